import requests
from flask import request


def preview():
    url = request.args["url"]
    # ruleid: ssrf-request-url
    return requests.get(url, timeout=5).text


def webhook():
    target = request.json.get("callback")
    # ruleid: ssrf-request-url
    requests.post(url=target, json={}, timeout=5)


def status():
    # ok: ssrf-request-url
    return requests.get("https://status.example.com/api", timeout=5).json()
