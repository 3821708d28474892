import os
import stat


def publish(path):
    # ruleid: chmod-world-writable
    os.chmod(path, 0o777)
    # ruleid: chmod-world-writable
    os.chmod(path, stat.S_IRUSR | stat.S_IWOTH)
    # ok: chmod-world-writable
    os.chmod(path, 0o644)
    # ok: chmod-world-writable
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
