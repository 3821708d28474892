import json
import pickle
from pickle import loads

import dill


def restore(blob, handle):
    # ruleid: unsafe-deserialization
    state = pickle.loads(blob)
    # ruleid: unsafe-deserialization
    other = loads(blob)
    # ruleid: unsafe-deserialization
    session = dill.load(handle)
    # ok: unsafe-deserialization
    data = json.loads(blob)
    # ok: unsafe-deserialization
    raw = pickle.dumps(data)
    return state, other, session, raw
