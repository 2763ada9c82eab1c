#!/usr/bin/env python3
"""Generate apsim's shape tables and error codes from the AWS service models committed in models/.

    python3 tools/gen_models.py            # rewrite the generated *Model.swift files
    python3 tools/gen_models.py --check    # exit 1 if the committed tables are stale
    python3 tools/gen_models.py --update   # copy the installed botocore's models in, then regenerate

models/<service>/service-2.json is botocore's data/<service>/<version>/service-2.json, committed as
data, so that generating (and CI's --check) depends on nothing installed: it is the one declarative
source of the members, types, lengths, ranges, patterns, enums, wire locations, HTTP bindings, error
statuses and error members that apsim validates against. models/VERSION names the botocore release
they came from (`make models-update` after a botocore upgrade). The spec's extra rules live in the
services' *Rules.swift.
"""
import gzip
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def load_services():
    """Every service's generator settings: models/<name>/apsim.json, beside botocore's model.

    apsim.json is the one list of the operations apsim emulates, each with its kind ("read": never
    changes state by itself; "write": changes state and is journaled; "dataRead"/"dataWrite": the
    same for data-plane operations such as nfs:), plus the Swift prefix and
    file, the lifecycle enums, and where the spec overrides the model (patterns, error statuses).
    A new service is a folder here and one under Sources/ApsimCore/Services/."""
    services = {}
    for name in sorted(os.listdir(os.path.join(ROOT, "models"))):
        path = os.path.join(ROOT, "models", name, "apsim.json")
        if os.path.exists(path):
            with open(path) as f:
                services[name] = json.load(f)
    return services


SERVICES = load_services()
KINDS = {"read": ".read", "write": ".write", "dataRead": ".dataPlane(writes: false)", "dataWrite": ".dataPlane(writes: true)"}


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


def model_path(service):
    return os.path.join(ROOT, "models", service, "service-2.json")


def camel(name):
    """A Swift case name: AccessPointAlreadyExists -> accessPointAlreadyExists; EACCES -> eacces."""
    if name.isupper():
        return name.lower()
    return name[0].lower() + name[1:]


def generate(service):
    cfg = SERVICES[service]
    with open(model_path(service)) as f:
        model = json.load(f)
    shapes = model["shapes"]
    meta = model["metadata"]
    prefix = cfg["swift"]

    needed = []  # shape names in dependency-first order
    seen = set()

    # A member whose shape is still being walked closes a cycle (an FSx file system's
    # administrative action holds a target file system): that reference becomes a document, so the
    # generated constants never refer to themselves.
    walking = set()
    cycles = set()  # (shape, member)

    def walk(name):
        if name in seen:
            return
        seen.add(name)
        walking.add(name)
        d = shapes[name]
        t = d["type"]
        if t == "structure":
            for mname, m in d["members"].items():
                if m["shape"] in walking:
                    cycles.add((name, mname))
                walk(m["shape"])
        elif t == "list":
            walk(d["member"]["shape"])
        elif t == "map":
            walk(d["key"]["shape"])
            walk(d["value"]["shape"])
        walking.discard(name)
        needed.append(name)

    for op in cfg["operations"]:
        walk(model["operations"][op]["input"]["shape"])
    # Shapes only outputs use carry no patterns: nothing validates a response, and a pattern is
    # compiled when its shape is made.
    input_shapes = set(seen)
    for op in cfg["operations"]:
        if "output" in model["operations"][op]:
            walk(model["operations"][op]["output"]["shape"])

    def kind(name):
        d = shapes[name]
        t = d["type"]
        if t == "string":
            regex = cfg.get("pattern_overrides", {}).get(name, d.get("pattern")) if name in input_shapes else None
            pattern = "Pattern(%s)" % swift_string(regex) if regex is not None else "nil"
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
                target = ref(m["shape"]) if (name, mname) not in cycles else 'Shape(%s, .document)' % swift_string(m["shape"])
                args = [swift_string(mname), target]
                if "location" in m:
                    args.append("location: .%s" % m["location"])
                if "locationName" in m and m["locationName"] != mname:
                    args.append("locationName: %s" % swift_string(m["locationName"]))
                if m.get("idempotencyToken"):
                    args.append("idempotencyToken: true")
                members.append("Member(%s)" % ", ".join(args))
            if not members:
                return ".structure(members: [], required: [])"
            return ".structure(members: [\n            %s,\n        ], required: [%s])" % (
                ",\n            ".join(members), ", ".join(swift_string(r) for r in d.get("required", [])))
        raise SystemExit("unsupported shape type %s (%s)" % (t, name))

    def ref(name):
        return "%sShapes.`%s`" % (prefix, name)

    lines = []
    if cfg.get("hand_written"):
        lines.append("// GENERATED by tools/gen_models.py from models/%s/service-2.json (%s %s, apsim's own model in" % (
            service, service, meta["apiVersion"]))
        lines.append("// botocore's format). Do not edit: change the model or the generator and run `make models`.")
    else:
        lines.append("// GENERATED by tools/gen_models.py from models/%s/service-2.json (%s %s; the botocore release is in" % (
            service, service, meta["apiVersion"]))
        lines.append("// models/VERSION). Do not edit: change the generator or regenerate with `make models`.")
    lines.append("")
    lines.append("extension ServiceModel {")
    lines.append("    /// The %s model: the operations apsim emulates and every error the model declares." % meta.get("serviceId", service))
    lines.append("    static let %s = ServiceModel(" % service)
    lines.append("        name: %s, serviceID: %s, apiProtocol: %s, apiVersion: %s, targetPrefix: %s," % (
        swift_string(service), swift_string(meta["serviceId"]), swift_string(meta["protocol"]), swift_string(meta["apiVersion"]),
        swift_string(meta["targetPrefix"]) if "targetPrefix" in meta else "nil"))
    # SigV4's signing name (the model's signingName, else its endpointPrefix, as botocore does).
    lines.append("        signingName: %s," % swift_string(meta.get("signingName") or meta["endpointPrefix"]))
    lines.append("        operations: [")
    for op in cfg["operations"]:
        o = model["operations"][op]
        http = o["http"]
        status = http.get("responseCode", 200)
        errors = ", ".join(swift_string(e["shape"]) for e in o.get("errors", []))
        op_kind = cfg["operations"][op]
        if op_kind not in KINDS:
            raise SystemExit("models/%s/apsim.json: %s has kind %r, not one of %s" % (service, op, op_kind, ", ".join(KINDS)))
        lines.append("            OperationModel(name: %s, kind: %s, method: %s, requestURI: %s, successStatus: %d," % (
            swift_string(op), KINDS[op_kind], swift_string(http["method"]), swift_string(http["requestUri"]), status))
        output = ref(o["output"]["shape"]) if "output" in o else "nil"
        lines.append("                           input: %s, output: %s, errors: [%s])," % (ref(o["input"]["shape"]), output, errors))
    lines.append("        ],")
    # The model's other operations: real, not emulated (answered NotImplemented, 501).
    lines.append("        unemulated: [")
    for op in sorted(set(model["operations"]) - set(cfg["operations"])):
        http = model["operations"][op]["http"]
        lines.append("            UnemulatedOperation(name: %s, method: %s, requestURI: %s)," % (
            swift_string(op), swift_string(http["method"]), swift_string(http["requestUri"])))
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
    # The tag shape's member names (`Key`/`Value`, or S3 Files' `key`/`value`), for the shared tag helpers.
    tag = shapes.get("Tag", {}).get("members", {})
    tag_key = next((m for m in tag if m.lower() == "key"), None)
    tag_value = next((m for m in tag if m.lower() == "value"), None)
    if tag_key and tag_value:
        lines.append("        tagMembers: TagMembers(key: %s, value: %s)," % (swift_string(tag_key), swift_string(tag_value)))
    if not cfg["lifecycle_enums"]:
        lines.append("        lifecycleStates: [:]")
    else:
        lines.append("        lifecycleStates: [")
        for resource, shape in sorted(cfg["lifecycle_enums"].items()):
            lines.append("            %s: [%s]," % (swift_string(resource), ", ".join(swift_string(e) for e in shapes[shape]["enum"])))
        lines.append("        ]")
    lines.append("    )")
    lines.append("}")
    lines.append("")
    errors = sorted(name for name in shapes if shapes[name].get("exception"))
    lines.append("/// Every error code the %s model declares (statuses and members: `ServiceModel.%s.errors`)." % (
        service, service))
    lines.append("enum %sErrorCode: String, ModeledErrorCode, CaseIterable {" % prefix)
    lines.append("    static var service: ServiceModel { .%s }" % service)
    for name in errors:
        lines.append("    case %s = %s" % (camel(name), swift_string(name)))
    lines.append("}")
    lines.append("")
    lines.append("/// The %s operations apsim emulates (models/%s/apsim.json): a service's operation table is" % (service, service))
    lines.append("/// an exhaustive switch over them, so an operation listed there and not handled does not build.")
    lines.append("enum %sOperation: String, ServiceOperation {" % prefix)
    lines.append("    static var service: ServiceModel { .%s }" % service)
    for op in cfg["operations"]:
        lines.append("    case %s = %s" % (camel(op), swift_string(op)))
    lines.append("}")
    lines.append("")
    lines.append("/// The member names of every input structure of the %s operations above, from the model:" % service)
    lines.append("/// handlers and shared helpers read members through these, never by a name they spell.")
    lines.append("enum %sMembers {" % prefix)
    for name in needed:
        d = shapes[name]
        if name not in input_shapes or d["type"] != "structure" or not d["members"]:
            continue
        lines.append("    enum `%s` {" % name)
        for mname in d["members"]:
            lines.append("        static let `%s` = %s" % (camel(mname), swift_string(mname)))
        lines.append("    }")
    lines.append("}")
    lines.append("")
    lines.append("/// The input and output shapes of the %s operations above, one constant per model shape." % service)
    lines.append("enum %sShapes {" % prefix)
    for name in needed:
        lines.append("    static let `%s` = Shape(%s, %s)" % (name, swift_string(name), kind(name)))
    lines.append("}")
    lines.append("")
    return "\n".join(lines)


def update():
    """Copies the installed botocore's service models into models/ (and its version into
    models/VERSION)."""
    import botocore

    data = os.path.join(os.path.dirname(botocore.__file__), "data")
    for service in SERVICES:
        if SERVICES[service].get("hand_written"):
            continue  # apsim's own model (nfs), not botocore's
        versions = sorted(os.listdir(os.path.join(data, service)))
        folder = os.path.join(data, service, versions[-1])
        plain = os.path.join(folder, "service-2.json")
        if os.path.exists(plain):
            with open(plain, "rb") as f:
                text = f.read()
        else:
            with gzip.open(plain + ".gz") as f:
                text = f.read()
        os.makedirs(os.path.dirname(model_path(service)), exist_ok=True)
        with open(model_path(service), "wb") as f:
            f.write(text)
        print("copied %s/%s/service-2.json from botocore %s" % (service, versions[-1], botocore.__version__))
    with open(os.path.join(ROOT, "models", "VERSION"), "w") as f:
        f.write("botocore %s\n" % botocore.__version__)


def main():
    if "--update" in sys.argv:
        update()
    check = "--check" in sys.argv
    stale = False
    for service, cfg in SERVICES.items():
        text = generate(service)
        path = os.path.join(ROOT, cfg["file"])
        old = open(path).read() if os.path.exists(path) else None
        if old != text:
            if check:
                print("stale: %s (run `make models`)" % cfg["file"])
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
