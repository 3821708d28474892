import tempfile


def scratch(data):
    # ruleid: insecure-temp-file
    name = tempfile.mktemp(suffix=".txt")
    # ruleid: insecure-temp-file
    with open("/tmp/report.csv", "w") as handle:
        handle.write(data)
    # ok: insecure-temp-file
    fd, safe = tempfile.mkstemp(suffix=".txt")
    # ok: insecure-temp-file
    with tempfile.NamedTemporaryFile("w") as handle:
        handle.write(data)
    # ok: insecure-temp-file
    with open("reports/report.csv", "w") as handle:
        handle.write(data)
    return name, fd, safe
