import os


def connect(client):
    # ruleid: hardcoded-secret
    password = "hunter2hunter2"
    # ruleid: hardcoded-secret
    client.api_key = "sk-live-4f9a8b7c6d5e"
    # ruleid: hardcoded-secret
    client.login(user="admin", auth_token="ghp_abcdefghijklmnop")
    # ok: hardcoded-secret
    token = os.environ["SERVICE_TOKEN"]
    # ok: hardcoded-secret
    secret = ""
    # ok: hardcoded-secret
    password_prompt = "Enter your password:"
    # ok: hardcoded-secret
    api_key = "<your-api-key>"
    return password, token, secret, password_prompt, api_key


# ruleid: hardcoded-secret
CLIENT_SECRET = "Zm9vYmFyYmF6cXV4"
