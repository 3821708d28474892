import subprocess
from subprocess import run


def deploy(cmd, target):
    # ruleid: subprocess-shell-true
    subprocess.call(cmd, shell=True)
    # ruleid: subprocess-shell-true
    subprocess.check_output("rsync -a " + target, shell=True, text=True)
    # ruleid: subprocess-shell-true
    run(f"deploy {target}", shell=True)
    # ok: subprocess-shell-true
    subprocess.call(["deploy", target])
    # ok: subprocess-shell-true
    subprocess.run(cmd, shell=False, check=True)
    # ok: subprocess-shell-true
    subprocess.run("ls -l | wc -l", shell=True)
