#!/usr/bin/env python3
"""Generate apsim's shape tables from botocore's service models.

    python3 tools/gen_models.py            # rewrite Sources/ApsimCore/{EFS,FSx}/*Model.swift
    python3 tools/gen_models.py --check    # exit 1 if the committed tables are stale

The model (botocore's data/<service>/<version>/service-2.json) is the one declarative source of the
members, types, lengths, ranges, patterns, enums, wire locations, HTTP bindings and error statuses
that apsim validates against. Regenerate when AWS changes the model; the spec's extra rules live
in Sources/ApsimCore/<Service>/*Rules.swift.
"""
import os
import sys

import botocore
import botocore.session

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SERVICES = {
    "efs": {
        "swift": "EFS",
        "file": "Sources/ApsimCore/EFS/EFSModel.swift",
        "enums": {"FileSystem": "LifeCycleState", "AccessPoint": "LifeCycleState"},
        "operations": [
            "CreateFileSystem", "DescribeFileSystems", "DeleteFileSystem",
            "CreateAccessPoint", "DescribeAccessPoints", "DeleteAccessPoint",
            "TagResource", "UntagResource", "ListTagsForResource",
        ],
    },
    "fsx": {
        "swift": "FSx",
        "file": "Sources/ApsimCore/FSx/FSxModel.swift",
        # The FSx model gives no HTTP status for its errors (JSON 1.1); spec/fsx.md: "every modeled
        # error is HTTP 400 except InternalServerError (500)".
        "error_status": {"InternalServerError": 500},
        "enums": {"FileSystem": "FileSystemLifecycle", "Volume": "VolumeLifecycle",
                  "StorageVirtualMachine": "StorageVirtualMachineLifecycle",
                  "S3AccessPointAttachment": "S3AccessPointAttachmentLifecycle"},
        "operations": [
            "CreateAndAttachS3AccessPoint", "DescribeS3AccessPointAttachments", "DetachAndDeleteS3AccessPoint",
            "CreateFileSystem", "DescribeFileSystems", "DeleteFileSystem",
            "CreateStorageVirtualMachine", "CreateVolume", "DescribeVolumes", "DeleteVolume",
        ],
    },
}


def swift_string(s):
    out = ['"']
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 0x20:
            out.append("\\u{%x}" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def opt(v, conv=str):
    return "nil" if v is None else conv(v)


def generate(service):
    cfg = SERVICES[service]
    session = botocore.session.get_session()
    loader = session.get_component("data_loader")
    model = loader.load_service_model(service, "service-2")
    shapes = model["shapes"]
    meta = model["metadata"]
    prefix = cfg["swift"]

    needed = []  # shape names in dependency-first order
    seen = set()

    def walk(name):
        if name in seen:
            return
        seen.add(name)
        d = shapes[name]
        t = d["type"]
        if t == "structure":
            for m in d["members"].values():
                walk(m["shape"])
        elif t == "list":
            walk(d["member"]["shape"])
        elif t == "map":
            walk(d["key"]["shape"])
            walk(d["value"]["shape"])
        needed.append(name)

    for op in cfg["operations"]:
        walk(model["operations"][op]["input"]["shape"])

    def kind(name):
        d = shapes[name]
        t = d["type"]
        if t == "string":
            pattern = "Pattern(%s)" % swift_string(d["pattern"]) if "pattern" in d else "nil"
            enum = "[%s]" % ", ".join(swift_string(e) for e in d["enum"]) if "enum" in d else "nil"
            return ".string(min: %s, max: %s, pattern: %s, enumValues: %s)" % (
                opt(d.get("min")), opt(d.get("max")), pattern, enum)
        if t in ("integer", "long"):
            return ".integer(bits: %d, min: %s, max: %s)" % (
                32 if t == "integer" else 64, opt(d.get("min"), lambda v: str(int(v))), opt(d.get("max"), lambda v: str(int(v))))
        if t in ("double", "float"):
            return ".double(min: %s, max: %s)" % (opt(d.get("min"), repr), opt(d.get("max"), repr))
        if t == "boolean":
            return ".boolean"
        if t == "timestamp":
            return ".timestamp"
        if t == "blob":
            return ".blob"
        if t == "list":
            return ".list(member: %s, min: %s, max: %s)" % (ref(d["member"]["shape"]), opt(d.get("min")), opt(d.get("max")))
        if t == "map":
            return ".map(key: %s, value: %s, min: %s, max: %s)" % (
                ref(d["key"]["shape"]), ref(d["value"]["shape"]), opt(d.get("min")), opt(d.get("max")))
        if t == "structure":
            members = []
            for mname, m in d["members"].items():
                args = [swift_string(mname), ref(m["shape"])]
                if "location" in m:
                    args.append("location: .%s" % m["location"])
                if "locationName" in m and m["locationName"] != mname:
                    args.append("locationName: %s" % swift_string(m["locationName"]))
                if m.get("idempotencyToken"):
                    args.append("idempotencyToken: true")
                members.append("Member(%s)" % ", ".join(args))
            return ".structure(members: [\n            %s,\n        ], required: [%s])" % (
                ",\n            ".join(members), ", ".join(swift_string(r) for r in d.get("required", [])))
        raise SystemExit("unsupported shape type %s (%s)" % (t, name))

    def ref(name):
        return "%sShapes.`%s`" % (prefix, name)

    lines = []
    lines.append("// GENERATED by tools/gen_models.py from botocore %s (data/%s/%s/service-2.json)." % (
        botocore.__version__, service, meta["apiVersion"]))
    lines.append("// Do not edit: change the generator or regenerate with `python3 tools/gen_models.py`.")
    lines.append("")
    lines.append("extension ServiceModel {")
    lines.append("    /// The %s model: the operations apsim emulates and every error the model declares." % meta.get("serviceId", service))
    lines.append("    public static let %s = ServiceModel(" % service)
    lines.append("        name: %s, apiProtocol: %s, apiVersion: %s, targetPrefix: %s," % (
        swift_string(service), swift_string(meta["protocol"]), swift_string(meta["apiVersion"]),
        swift_string(meta["targetPrefix"]) if "targetPrefix" in meta else "nil"))
    lines.append("        operations: [")
    for op in cfg["operations"]:
        o = model["operations"][op]
        http = o["http"]
        status = http.get("responseCode", 200)
        errors = ", ".join(swift_string(e["shape"]) for e in o.get("errors", []))
        lines.append("            OperationModel(name: %s, method: %s, requestURI: %s, successStatus: %d," % (
            swift_string(op), swift_string(http["method"]), swift_string(http["requestUri"]), status))
        lines.append("                           input: %s, errors: [%s])," % (ref(o["input"]["shape"]), errors))
    lines.append("        ],")
    lines.append("        errors: [")
    for name in sorted(shapes):
        d = shapes[name]
        if not d.get("exception"):
            continue
        status = d.get("error", {}).get("httpStatusCode", cfg.get("error_status", {}).get(name, 400))
        extra = [m for m in d.get("members", {}) if m not in ("ErrorCode", "Message")]
        lines.append("            ErrorModel(code: %s, status: %d, members: [%s])," % (
            swift_string(name), status, ", ".join(swift_string(m) for m in extra)))
    lines.append("        ],")
    lines.append("        lifecycleStates: [")
    for resource, shape in sorted(cfg["enums"].items()):
        lines.append("            %s: [%s]," % (swift_string(resource), ", ".join(swift_string(e) for e in shapes[shape]["enum"])))
    lines.append("        ]")
    lines.append("    )")
    lines.append("}")
    lines.append("")
    lines.append("/// The input shapes of the %s operations above, one constant per model shape." % service)
    lines.append("enum %sShapes {" % prefix)
    for name in needed:
        lines.append("    static let `%s` = Shape(%s, %s)" % (name, swift_string(name), kind(name)))
    lines.append("}")
    lines.append("")
    return "\n".join(lines)


def main():
    check = "--check" in sys.argv
    stale = False
    for service, cfg in SERVICES.items():
        text = generate(service)
        path = os.path.join(ROOT, cfg["file"])
        old = open(path).read() if os.path.exists(path) else None
        if old != text:
            if check:
                print("stale: %s" % cfg["file"])
                stale = True
            else:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w") as f:
                    f.write(text)
                print("wrote %s" % cfg["file"])
    if stale:
        sys.exit(1)


if __name__ == "__main__":
    main()
