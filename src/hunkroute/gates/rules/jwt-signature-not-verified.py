import jwt


def claims(token, key):
    # ruleid: jwt-signature-not-verified
    first = jwt.decode(token, options={"verify_signature": False})
    # ruleid: jwt-signature-not-verified
    second = jwt.decode(token, key, verify=False)
    # ruleid: jwt-signature-not-verified
    third = jwt.decode(token, key, algorithms=["HS256", "none"])
    # ok: jwt-signature-not-verified
    fourth = jwt.decode(token, key, algorithms=["HS256"])
    return first, second, third, fourth
