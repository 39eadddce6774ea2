#!/usr/bin/env python3
"""Reads an OCI image archive (build/image/lazytrace-oci.tar) the way a
runtime does: index.json -> manifest -> config and layers.

usage: oci.py ARCHIVE name          the index's ref name
       oci.py ARCHIVE entrypoint    the config's Entrypoint, one per line
       oci.py ARCHIVE cmd           the config's Cmd, one per line
       oci.py ARCHIVE files         every path in the layers, sorted
       oci.py ARCHIVE unpack DIR    the layers applied in order into DIR
       oci.py DAEMONSET podman      the DaemonSet's container as podman
                                    run arguments (image, user, caps,
                                    read-only, seccomp, mounts, args),
                                    one per line
"""
import gzip
import io
import json
import sys
import tarfile

import yaml


def blob(tar, digest):
    return tar.extractfile("blobs/sha256/" + digest.split(":", 1)[1]).read()


def image(path):
    tar = tarfile.open(path)
    index = json.load(tar.extractfile("index.json"))
    desc = index["manifests"][0]
    manifest = json.loads(blob(tar, desc["digest"]))
    config = json.loads(blob(tar, manifest["config"]["digest"]))
    return tar, desc, manifest, config


def layers(tar, manifest):
    for layer in manifest["layers"]:
        data = blob(tar, layer["digest"])
        if layer["mediaType"].endswith("+gzip"):
            data = gzip.decompress(data)
        yield tarfile.open(fileobj=io.BytesIO(data))


def podman(path):
    ds = yaml.safe_load(open(path))
    c = ds["spec"]["template"]["spec"]["containers"][0]
    sc = c["securityContext"]
    vols = {v["name"]: v["hostPath"]["path"]
            for v in ds["spec"]["template"]["spec"]["volumes"]}
    out = []
    if ds["spec"]["template"]["spec"].get("hostPID"):
        out.append("--pid=host")
    if sc.get("privileged"):
        out.append("--privileged")
    if sc.get("readOnlyRootFilesystem"):
        out.append("--read-only")
    if "runAsUser" in sc:
        out.append("--user=%d" % sc["runAsUser"])
    if sc.get("allowPrivilegeEscalation") is False:
        out.append("--security-opt=no-new-privileges")
    if sc.get("seccompProfile", {}).get("type") == "Unconfined":
        out.append("--security-opt=seccomp=unconfined")
    for cap in sc["capabilities"].get("drop", []):
        out.append("--cap-drop=" + cap)
    for cap in sc["capabilities"].get("add", []):
        out.append("--cap-add=CAP_" + cap)
    for m in c.get("volumeMounts", []):
        ro = ":ro" if m.get("readOnly") else ""
        out.append("--volume=%s:%s%s" % (vols[m["name"]], m["mountPath"], ro))
    out.append(c["image"])
    out.extend(c.get("args", []))
    return out


def main():
    path, what = sys.argv[1], sys.argv[2]
    if what == "podman":
        print("\n".join(podman(path)))
        return
    tar, desc, manifest, config = image(path)
    if what == "name":
        print(desc["annotations"]["org.opencontainers.image.ref.name"])
    elif what in ("entrypoint", "cmd"):
        key = "Entrypoint" if what == "entrypoint" else "Cmd"
        print("\n".join(config["config"].get(key) or []))
    elif what == "files":
        names = set()
        for layer in layers(tar, manifest):
            names.update(m.name.lstrip("./") for m in layer.getmembers()
                         if not m.isdir())
        print("\n".join(sorted(n for n in names if n)))
    elif what == "unpack":
        for layer in layers(tar, manifest):
            layer.extractall(sys.argv[3])
    else:
        sys.exit("oci.py: unknown request " + what)


if __name__ == "__main__":
    main()
