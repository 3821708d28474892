import os


def backup(path):
    # ruleid: os-system-dynamic
    os.system("tar czf backup.tgz " + path)
    # ruleid: os-system-dynamic
    listing = os.popen(f"ls {path}").read()
    # ok: os-system-dynamic
    os.system("sync")
    # ok: os-system-dynamic
    os.popen("uptime")
    return listing
