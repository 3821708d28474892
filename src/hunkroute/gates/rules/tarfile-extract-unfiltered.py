import tarfile
import zipfile


def unpack(path, target):
    with tarfile.open(path) as archive:
        # ruleid: tarfile-extract-unfiltered
        archive.extractall(target)
    bundle = tarfile.open(path, "r:gz")
    # ruleid: tarfile-extract-unfiltered
    bundle.extract("README", target)
    with tarfile.open(path) as archive:
        # ok: tarfile-extract-unfiltered
        archive.extractall(target, filter="data")
    with zipfile.ZipFile(path) as archive:
        # ok: tarfile-extract-unfiltered
        archive.extractall(target)
