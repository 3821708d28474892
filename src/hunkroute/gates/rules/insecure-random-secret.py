import random
import secrets
import string


def credentials():
    # ruleid: insecure-random-secret
    reset_token = "".join(random.choice(string.ascii_letters) for _ in range(32))
    # ruleid: insecure-random-secret
    salt = random.getrandbits(64)
    # ok: insecure-random-secret
    session_id = secrets.token_urlsafe(32)
    # ok: insecure-random-secret
    delay = random.uniform(0.5, 1.5)
    return reset_token, salt, session_id, delay
