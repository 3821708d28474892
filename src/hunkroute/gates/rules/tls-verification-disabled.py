import ssl

import httpx
import requests


def fetch(url, session):
    # ruleid: tls-verification-disabled
    first = requests.get(url, timeout=10, verify=False)
    # ruleid: tls-verification-disabled
    client = httpx.Client(verify=False)
    # ruleid: tls-verification-disabled
    second = session.post(url, json={}, verify=False)
    # ruleid: tls-verification-disabled
    context = ssl._create_unverified_context()
    # ruleid: tls-verification-disabled
    context.check_hostname = False
    # ok: tls-verification-disabled
    third = requests.get(url, timeout=10)
    # ok: tls-verification-disabled
    fourth = requests.get(url, timeout=10, verify="/etc/ssl/ca.pem")
    return first, client, second, third, fourth
