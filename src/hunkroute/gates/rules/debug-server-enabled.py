import os

from flask import Flask
from werkzeug.serving import run_simple

app = Flask(__name__)

if __name__ == "__main__":
    # ruleid: debug-server-enabled
    app.run(host="127.0.0.1", debug=True)
    # ruleid: debug-server-enabled
    run_simple("localhost", 5000, app, use_debugger=True)
    # ok: debug-server-enabled
    app.run(debug=False)
    # ok: debug-server-enabled
    app.run(debug=os.environ.get("FLASK_DEBUG") == "1")
