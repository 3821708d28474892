import hashlib


def fingerprint(password, data):
    # ruleid: weak-hash-for-security
    digest = hashlib.md5(password.encode()).hexdigest()
    # ruleid: weak-hash-for-security
    other = hashlib.new("sha1", data)
    # ok: weak-hash-for-security
    key = hashlib.md5(data, usedforsecurity=False).hexdigest()
    # ok: weak-hash-for-security
    strong = hashlib.sha256(password.encode()).hexdigest()
    return digest, other, key, strong
