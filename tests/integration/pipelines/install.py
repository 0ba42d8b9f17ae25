#!/usr/bin/env python3
"""The install steps of each pipeline, run for real against a local release.

    install.py github SOURCE_DIR BUILD_DIR VERSION    action.yml
    install.py azure  SOURCE_DIR BUILD_DIR VERSION    azure-pipelines.yml

A real .deb is built with CPack from BUILD_DIR and served, with its SHA-256
file, by an HTTP server on 127.0.0.1 laid out like GitHub's release downloads
(.../releases/download/vVERSION/draftsmith_VERSION_ARCH.deb[.sha256]). The
install step's shell is taken from the YAML (as handoff.py does) and run
under bash with the env: values the service would compute, once per case:
a good release, a .sha256 that names another file, a .deb truncated in
transit, a pinned checksum that is wrong, a missing .sha256, nothing chosen,
the image wrapper, and a cached source build.

What is real: bash, curl, sha256sum, the HTTP transfer, the .deb (unpacked
with dpkg -x, and the draftsmith inside runs). What is stubbed: apt-get (it
records its arguments and unpacks a .deb it is given into a temporary root
instead of installing; root and a package database are not the test's to
change), sudo, and docker (it records its command line; no engine here).
Not run: the source build itself (minutes of compiling; its cache-hit path
is run), Cache@2 and actions/cache.
"""
import functools
import http.server
import json
import os
import pathlib
import shutil
import stat
import subprocess
import sys
import tempfile
import threading

import yaml

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from handoff import Failure, check, emulate_github_expression, emulate_macro_expansion  # noqa: E402

APT_GET = r'''#!/usr/bin/env bash
# Stub apt-get: records its arguments; unpacks a .deb into the test's root.
printf '%s\n' "$*" >>"{record}/apt-get.log"
[ "$1" = update ] && exit 0
for arg in "$@"; do
  case "$arg" in
    *.deb)
      cp "$arg" "{record}/installed.deb"
      dpkg -x "$arg" "{root}"
      ln -sf "{root}/usr/bin/draftsmith" "{bin}/draftsmith" ;;
  esac
done
'''
DOCKER = r'''#!/usr/bin/env python3
# Stub docker: records argv and the environment; answers --version.
import json, os, sys
with open("{record}/docker.log", "a") as f:
    f.write(json.dumps({{"argv": sys.argv[1:], "env": dict(os.environ)}}) + "\n")
if sys.argv[1:2] == ["run"] and sys.argv[-1] == "--version":
    print("draftsmith {version} (image)")
'''
SUDO = '#!/usr/bin/env bash\nexec "$@"\n'


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory):
    handler = functools.partial(Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def build_deb(build, out):
    result = subprocess.run(["cpack", "--config", str(build / "CPackConfig.cmake"), "-B", str(out)],
                            capture_output=True, text=True)
    check(result.returncode == 0, f"cpack failed:\n{result.stdout}{result.stderr}")
    debs = list(out.glob("draftsmith_*.deb"))
    check(len(debs) == 1, f"cpack made {debs}")
    return debs[0]


class Harness:
    """One run of a step body in a fresh directory with fresh stubs."""

    def __init__(self, work, version):
        self.work, self.version, self.count = work, version, 0

    def run(self, body, env, command, before=None):
        self.count += 1
        case = self.work / f"case{self.count}"
        self.bin, self.record, root = case / "bin", case / "record", case / "root"
        for d in (self.bin, self.record, root, case / "temp", case / "staging", case / "checkout"):
            d.mkdir(parents=True)
        stubs = {"apt-get": APT_GET.format(record=self.record, root=root, bin=self.bin),
                 "docker": DOCKER.format(record=self.record, version=self.version), "sudo": SUDO}
        for name, text in stubs.items():
            (self.bin / name).write_text(text)
            (self.bin / name).chmod(0o755)
        (case / "github-path").touch()
        full = {"PATH": f"{self.bin}:/usr/local/bin:/usr/bin:/bin", "HOME": str(case),
                "LANG": "C.UTF-8", "RUNNER_TEMP": str(case / "temp"), "GITHUB_PATH": str(case / "github-path"),
                "AGENT_TEMPDIRECTORY": str(case / "temp"), "PIPELINE_WORKSPACE": str(case),
                "BUILD_ARTIFACTSTAGINGDIRECTORY": str(case / "staging")}
        full.update(env)
        if before:
            before(case)
        script = case / "step.sh"
        script.write_text(body)
        result = subprocess.run(command + [str(script)], env=full, cwd=case / "checkout",
                                capture_output=True, text=True)
        self.case, self.output = case, result.stdout + result.stderr
        return result.returncode

    def apt_log(self):
        path = self.record / "apt-get.log"
        return path.read_text() if path.exists() else ""

    def installed(self):
        path = self.record / "installed.deb"
        return path.read_bytes() if path.exists() else None


def expect_installed(h, code, deb, what):
    check(code == 0, f"{what}: the step failed ({code}):\n{h.output}")
    check(h.installed() == deb.read_bytes(), f"{what}: apt-get was not given the served .deb:\n{h.apt_log()}")
    check(f"draftsmith {h.version}" in h.output,
          f"{what}: the installed draftsmith did not run (--version):\n{h.output}")
    print(f"ok: {what}")


def expect_refused(h, code, needle, what):
    check(code != 0, f"{what}: the step succeeded:\n{h.output}")
    check(needle in h.output, f"{what}: expected {needle!r} in the output:\n{h.output}")
    check(h.installed() is None and ".deb" not in h.apt_log(),
          f"{what}: a .deb reached apt-get install:\n{h.apt_log()}")
    print(f"ok: {what}: refused ({needle!r})")


def github_runner(source, h, port):
    action = yaml.safe_load((source / "pipelines" / "github-actions" / "action.yml").read_text())
    steps = {s.get("id"): s for s in action["runs"]["steps"]}
    check("install" in steps and "build" in steps, "action.yml has no step with id: install or id: build")

    def run(step_id, before=None, **settings):
        contexts = {f"inputs.{name}": str((spec or {}).get("default", ""))
                    for name, spec in action.get("inputs", {}).items()}
        contexts.update({f"inputs.{name.replace('_', '-')}": value for name, value in settings.items()})
        contexts.update({"github.server_url": f"http://127.0.0.1:{port}",
                         "github.action_repository": "o/draftsmith"})
        step = steps[step_id]
        env = {name: emulate_github_expression(str(value), contexts)
               for name, value in (step.get("env") or {}).items()}
        return h.run(step["run"], env, ["bash", "--noprofile", "--norc", "-eo", "pipefail"], before)
    return run


def azure_runner(source, h, port):
    pipeline = yaml.safe_load((source / "pipelines" / "azure-pipelines.yml").read_text())
    steps = [s for job in pipeline["jobs"] for s in job["steps"]]
    install = [s for s in steps if s.get("displayName") == "Install draftsmith"]
    check(len(install) == 1, "azure-pipelines.yml has no single step 'Install draftsmith'")
    names = {"version": "DRAFTSMITH_VERSION", "sha256": "DRAFTSMITH_SHA256", "image": "DRAFTSMITH_IMAGE",
             "release_url": "DRAFTSMITH_RELEASES", "install": "DRAFTSMITH_INSTALL"}

    def run(step_id, before=None, **settings):
        variables = {name: str(value) for name, value in pipeline["variables"].items()}
        variables["DRAFTSMITH_INSTALL"] = {"install": "deb", "build": "source"}[step_id]
        variables["DRAFTSMITH_RELEASES"] = f"http://127.0.0.1:{port}/o/draftsmith/releases/download"
        if settings.get("image"):
            variables["DRAFTSMITH_INSTALL"] = "image"
            settings["image"], settings["version"] = settings["image"].rsplit(":", 1)
        variables.update({names[k]: v for k, v in settings.items() if v is not None})
        env = {name: emulate_macro_expansion(str(value), variables)
               for name, value in (install[0].get("env") or {}).items()}
        return h.run(install[0]["bash"], env, ["bash", "--noprofile", "--norc"], before)
    return run


def deb_cases(run, h, deb, sha_file, version):
    good = sha_file.read_text()
    digest = good.split()[0]
    expect_installed(h, run("install", version=version), deb, "released .deb, checksum file matches")
    check(digest in h.output, f"the step did not say which SHA-256 it verified:\n{h.output}")
    expect_installed(h, run("install", version=f"v{version}", sha256=digest.upper()), deb,
                     "pinned sha256 (upper case, tag with v) matches")

    sha_file.write_text(f"{'0' * 64}  {deb.name}\n")
    expect_refused(h, run("install", version=version), "SHA-256 mismatch", ".sha256 names another file")
    sha_file.write_text(good)

    expect_refused(h, run("install", version=version, sha256="ab" * 32), "SHA-256 mismatch",
                   "pinned sha256 differs from the served .deb")
    expect_refused(h, run("install", version=version, sha256="not-a-checksum"), "is not 64 hex digits",
                   "pinned sha256 malformed")

    served = sha_file.with_name(deb.name)
    served.write_bytes(deb.read_bytes()[: deb.stat().st_size // 2])
    expect_refused(h, run("install", version=version), "SHA-256 mismatch", ".deb truncated in transit")
    shutil.copyfile(deb, served)

    sha_file.rename(sha_file.with_suffix(".gone"))
    expect_refused(h, run("install", version=version), "could not download the checksum", "no .sha256 file")
    sha_file.with_suffix(".gone").rename(sha_file)

    expect_refused(h, run("install", version="9.9.9"), "could not download", "version not released")

    def cached(case):
        # RUNNER_TEMP/draftsmith-source-deb (GitHub), PIPELINE_WORKSPACE/... (Azure)
        for where in (case / "temp" / "draftsmith-source-deb", case / "draftsmith-source-deb"):
            where.mkdir(parents=True)
            shutil.copyfile(deb, where / deb.name)
    expect_installed(h, run("build", before=cached), deb, "source build found in the cache: installed, not built")
    check("g++" not in h.apt_log(), f"a cached source build installed the compiler:\n{h.apt_log()}")


def image_case(run, h, service, version):
    image = f"ghcr.io/o/draftsmith:{version}"
    code = run("install", image=image, version=version)
    check(code == 0, f"image: the step failed ({code}):\n{h.output}")
    check(h.installed() is None, "image: a .deb was installed as well")
    wrapper = h.case / "temp" / "draftsmith-bin" / "draftsmith"
    path_file = (h.case / "github-path").read_text()
    check(str(wrapper.parent) in (path_file if service == "github" else h.output),
          f"image: the wrapper's directory was not put on PATH:\n{h.output}{path_file}")
    # The wrapper as the hand-off step runs it: secrets in the environment.
    secret = "sk-ant-secret-value"
    env = {"PATH": f"{h.bin}:/usr/bin:/bin", "HOME": str(h.case), "ANTHROPIC_API_KEY": secret,
           "GITHUB_TOKEN": "ghs_secret", "SYSTEM_ACCESSTOKEN": "ado_secret",
           "RUNNER_TEMP": str(h.case / "temp"), "AGENT_TEMPDIRECTORY": str(h.case / "temp")}
    result = subprocess.run([str(wrapper), "run", "--provider", "anthropic"], env=env,
                            cwd=h.case / "checkout", capture_output=True, text=True)
    check(result.returncode == 0, f"image: the wrapper failed:\n{result.stderr}")
    calls = [json.loads(line) for line in (h.record / "docker.log").read_text().splitlines()]
    check(calls[0]["argv"][:1] == ["pull"] and image in calls[0]["argv"], f"image: no docker pull {image}: {calls}")
    argv = calls[-1]["argv"]
    check(argv[-4:] == [image, "run", "--provider", "anthropic"], f"image: unexpected docker command line {argv}")
    check("--user" in argv and f"{h.case / 'checkout'}:{h.case / 'checkout'}" in argv,
          f"image: not run as the caller with the working directory mounted: {argv}")
    for name in ("ANTHROPIC_API_KEY", "GITHUB_TOKEN" if service == "github" else "SYSTEM_ACCESSTOKEN"):
        check(["--env", name] == argv[argv.index(name) - 1:argv.index(name) + 1] if name in argv else False,
              f"image: {name} is not passed by name: {argv}")
    check(not any("secret" in arg for arg in argv), f"image: a secret value is on docker's command line: {argv}")
    check(calls[-1]["env"].get("ANTHROPIC_API_KEY") == secret, "image: the key did not reach docker's environment")
    print("ok: image: a draftsmith wrapper on PATH runs the image, secrets passed by name only")


def main(argv):
    if len(argv) != 5 or argv[1] not in ("azure", "github"):
        print("usage: install.py azure|github SOURCE_DIR BUILD_DIR VERSION")
        return 2
    service, source, build, version = argv[1], pathlib.Path(argv[2]), pathlib.Path(argv[3]), argv[4]
    work = pathlib.Path(tempfile.mkdtemp(prefix=f"draftsmith-install-{service}-"))
    server = None
    try:
        deb = build_deb(build, work / "cpack")
        release = work / "served" / "o" / "draftsmith" / "releases" / "download" / f"v{version}"
        release.mkdir(parents=True)
        shutil.copyfile(deb, release / deb.name)
        digest = subprocess.run(["sha256sum", deb.name], cwd=release, capture_output=True, text=True).stdout
        sha_file = release / f"{deb.name}.sha256"
        sha_file.write_text(digest)
        server = serve(work / "served")
        h = Harness(work / "cases", version)
        run = (github_runner if service == "github" else azure_runner)(source, h, server.server_address[1])
        deb_cases(run, h, deb, sha_file, version)
        if service == "github":
            expect_refused(h, run("install"), "set version (a released .deb), package, image",
                           "nothing chosen: no silent source build")
        image_case(run, h, service, version)
    except Failure as failure:
        print(f"FAIL: {failure}\n(kept {work})")
        return 1
    except Exception:
        print(f"(kept {work})")
        raise
    finally:
        if server:
            server.shutdown()
    shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
