import os

from flask import request, send_file
from werkzeug.utils import secure_filename


def download():
    name = request.args.get("file")
    # ruleid: path-traversal-request
    return send_file(os.path.join("/srv/files", name))


def upload():
    target = request.form["target"]
    # ruleid: path-traversal-request
    with open(target, "wb") as handle:
        handle.write(request.data)


def safe_download():
    name = secure_filename(request.args.get("file"))
    # ok: path-traversal-request
    return send_file(os.path.join("/srv/files", name))


def fixed_file():
    # ok: path-traversal-request
    with open("/srv/files/index.html") as handle:
        return handle.read()
