"""The network of EFS and FSx inside ``moto.mock_aws()``: taken from moto's EC2 (the spec's network.md,
"Python, inside moto.mock_aws()").

While moto is active, :mod:`apsim.mock` hands the requests of :data:`EVENTS` to :func:`answer`
instead of answering them itself. Before apsim answers an EFS CreateMountTarget or
ModifyMountTargetSecurityGroups, or an FSx CreateFileSystem, the VPCs, subnets and security groups
of moto's EC2 backend for the request's account and region are declared to the world
(``apsim:SetNetwork``), so the EC2 resources created with moto are the ones EFS and FSx see. Then,
as in AWS, where each mount target owns a network interface visible in EC2: a new mount target gets
an interface created in moto's EC2 (in its subnet, with its IP address and security groups) whose ID
it reports (``apsim:SetNetworkInterface``, and in the create response the caller gets);
ModifyMountTargetSecurityGroups keeps the interface's groups in step, and DeleteMountTarget deletes
it. The interface is found again by its description, ``EFS mount target for <fs> (<fsmt>)`` (as AWS
writes it), so no table of ours has to follow the world (resets, imported state). Likewise an FSx
file system gets an interface in each of its subnets (``ENI for Amazon FSx file system <fs>``, with
the IDs apsim reports: the library has no control to report others), deleted with it by
DeleteFileSystem.

The account and region are the ones apsim answers the request in (Wire.identity in the library):
from the SigV4 credential scope (the account when the access key ID is 12 digits) or the Host
(``elasticfilesystem.eu-west-1.amazonaws.com``), else the world's defaults. moto is imported only
from here, and only while it is active (so already imported): apsim never imports it otherwise.

Only apsim: control calls are made besides the request itself: they neither read a resource (which
would settle its lifecycle) nor draw from the world's seeded IDs and request IDs.
"""
import ipaddress
import json
import re
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import unquote

Reply = Tuple[int, Dict[str, str], bytes]

# The operations the bridge serves, as botocore's event names end ("<service ID>.<Operation>").
OPERATIONS = ("efs.CreateMountTarget", "efs.ModifyMountTargetSecurityGroups", "efs.DeleteMountTarget",
              "fsx.CreateFileSystem", "fsx.DeleteFileSystem")

# The description AWS gives the network interfaces it creates in the subnets of an FSx file system.
FSX_INTERFACE = "ENI for Amazon FSx file system {}"
# Their before-call and before-send event names (the mock answers in either, see apsim.mock).
EVENTS = frozenset(f"{stage}.{operation}" for stage in ("before-call", "before-send") for operation in OPERATIONS)

# The library's defaults for a world opened without account_id / region (apsim.h).
DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"

_ACCOUNT = re.compile(r"[0-9]{12}")
_REGION = re.compile(r"(?:[a-z]+-){2,}[0-9]+")  # Config.isRegionName: lowercase words, then a number
_IDS = {prefix: re.compile(prefix + r"[0-9a-f]{8,40}") for prefix in ("vpc-", "subnet-", "sg-")}


def answer(sim: Any, event_name: str, request: Dict[str, Any], send: Callable[[Any, Dict[str, Any]], Reply]) -> Reply:
    """The reply to ``request`` (an apsim_http request of one of :data:`EVENTS`), sent with ``send``
    once the world knows moto's network, and moto's EC2 kept in step with what it did."""
    service, operation = event_name.split(".")[-2:]
    account, region = _identity(sim, request["headers"])
    ec2 = _ec2_backend(account, region)
    network = None
    if operation not in ("DeleteMountTarget", "DeleteFileSystem"):
        network = _network(ec2, region)
        sim.set_network(vpcs=network["Vpcs"], subnets=network["Subnets"], security_groups=network["SecurityGroups"],
                        account_id=account, region=region)
    status, headers, body = send(sim, request)
    if status >= 300 or ec2 is None:
        return status, headers, body
    if service == "fsx":
        if operation == "CreateFileSystem":
            _add_file_system_interfaces(ec2, network, request, body)
        else:
            _delete_file_system_interfaces(ec2, json.loads(body)["FileSystemId"])
    elif operation == "CreateMountTarget":
        body = _add_interface(sim, ec2, network, request, body, account, region)
    elif operation == "ModifyMountTargetSecurityGroups":
        interface = _interface_of(ec2, _mount_target_id(request["path"]))
        if interface is not None:
            groups = _groups(network, _body(request).get("SecurityGroups"), interface.subnet.vpc_id)
            ec2.modify_network_interface_attribute(interface.id, groups)
    elif operation == "DeleteMountTarget":
        interface = _interface_of(ec2, _mount_target_id(request["path"]))
        if interface is not None:
            ec2.delete_network_interface(interface.id)
    return status, headers, body


def _identity(sim: Any, headers: Dict[str, str]) -> Tuple[str, str]:
    """The account and region apsim answers a request with these headers in."""
    account = region = None
    for name, value in headers.items():
        lower = name.lower()
        if lower == "authorization":
            # Credential=AKID/20261122/us-east-1/elasticfilesystem/aws4_request
            scope = value.partition("Credential=")[2].split(",", 1)[0].split(" ", 1)[0].split("/")
            if len(scope) >= 3:
                account = scope[0] if _ACCOUNT.fullmatch(scope[0]) else account
                region = scope[2] if len(scope[2]) <= 32 and _REGION.fullmatch(scope[2]) else region
    if region is None:
        host = next((v for k, v in headers.items() if k.lower() == "host"), "")
        region = _region_of_host(host)
    return (account or sim.config.get("account_id") or DEFAULT_ACCOUNT,
            region or sim.config.get("region") or DEFAULT_REGION)


def _region_of_host(host: str) -> Optional[str]:
    """The region of ``service.region.amazonaws.com[:port]`` (Wire.regionOfHost)."""
    labels = [label for label in host.split(":", 1)[0].split(".") if label]
    if len(labels) >= 4 and "amazonaws" in labels and len(labels[1]) <= 32 and _REGION.fullmatch(labels[1]):
        return labels[1]
    return None


def _ec2_backend(account: str, region: str) -> Any:
    """moto's EC2 backend of the account and region; None for a region moto does not serve."""
    from moto.ec2.models import ec2_backends

    try:
        return ec2_backends[account][region]
    except KeyError:
        return None


def _network(ec2: Any, region: str) -> Dict[str, List[Dict[str, str]]]:
    """moto's VPCs, subnets and security groups as an apsim:SetNetwork document (nothing, where moto
    has no EC2 for the region). What apsim could not place is left out, and so not found: IPv6-only
    subnets, IDs or Availability Zones moto let a caller make up."""
    if ec2 is None:
        return {"Vpcs": [], "Subnets": [], "SecurityGroups": []}
    vpcs, blocks = [], {}
    for vpc in list(ec2.vpcs.values()):
        if _IDS["vpc-"].fullmatch(vpc.id) and vpc.cidr_block:
            blocks[vpc.id] = _vpc_block(vpc)
            vpcs.append({"VpcId": vpc.id, "CidrBlock": str(blocks[vpc.id])})
    subnets = []
    for zone_subnets in list(ec2.subnets.values()):
        for subnet in list(zone_subnets.values()):
            zone = subnet.availability_zone
            if (subnet.vpc_id in blocks and _IDS["subnet-"].fullmatch(subnet.id) and subnet.cidr_block
                    and re.fullmatch(re.escape(region) + "[a-z]", zone)
                    and ipaddress.IPv4Network(subnet.cidr_block, strict=False).subnet_of(blocks[subnet.vpc_id])):
                subnets.append({"SubnetId": subnet.id, "VpcId": subnet.vpc_id, "AvailabilityZone": zone,
                                "AvailabilityZoneId": subnet.availability_zone_id, "CidrBlock": subnet.cidr_block})
    kept = [group for vpc_groups in list(ec2.groups.values()) for group in list(vpc_groups.values())
            if group.vpc_id in blocks and _IDS["sg-"].fullmatch(group.id)]
    known = {group.id for group in kept}
    groups = [{"GroupId": group.id, "VpcId": group.vpc_id, "GroupName": group.name,
               "IpPermissions": _permissions(group, known)} for group in kept]
    return {"Vpcs": vpcs, "Subnets": subnets, "SecurityGroups": groups}


def _permissions(group: Any, known: Any) -> List[Dict[str, Any]]:
    """A moto group's inbound rules in EC2's shape (network.md, "Security group rules"): IPv4 ranges
    and groups apsim knows; a VPC's default group also lets its own members in, as EC2's does (moto
    creates it without that rule)."""
    rules: List[Dict[str, Any]] = []
    for rule in list(getattr(group, "ingress_rules", []) or []):
        protocol = str(rule.ip_protocol)
        permission: Dict[str, Any] = {"IpProtocol": protocol}
        if protocol != "-1":
            if rule.from_port is None or rule.to_port is None:
                continue
            permission["FromPort"], permission["ToPort"] = int(rule.from_port), int(rule.to_port)
        cidr = (getattr(rule, "ip_range", None) or {}).get("CidrIp")
        source = (getattr(rule, "source_group", None) or {}).get("GroupId")
        if cidr:
            permission["IpRanges"] = [{"CidrIp": cidr}]
        elif source in known:
            permission["UserIdGroupPairs"] = [{"GroupId": source}]
        else:
            continue
        if protocol.lower() not in ("tcp", "udp", "icmp", "-1", "6", "17", "1", "all"):
            continue
        rules.append(permission)
    if group.name == "default":
        rules.append({"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group.id}]})
    return rules


def declare(sim: Any, account: str, region: str) -> None:
    """Declares moto's network of ``account`` and ``region`` to the world (before an nfs:Mount, whose
    reachability the groups' rules decide)."""
    network = _network(_ec2_backend(account, region), region)
    sim.set_network(vpcs=network["Vpcs"], subnets=network["Subnets"], security_groups=network["SecurityGroups"],
                    account_id=account, region=region)


def _vpc_block(vpc: Any) -> ipaddress.IPv4Network:
    """The VPC's IPv4 block for apsim: its primary CIDR, or the smallest block holding that and the
    secondary ones associated since (apsim's VPC has one block; its subnets must lie inside)."""
    block = ipaddress.IPv4Network(vpc.cidr_block, strict=False)
    for association in vpc.get_cidr_block_association_set(ipv6=False):
        if association.get("cidr_block_state", {}).get("state") == "associated":
            other = ipaddress.IPv4Network(association["cidr_block"], strict=False)
            while not other.subnet_of(block):
                block = block.supernet()
    return block


def _add_interface(sim: Any, ec2: Any, network: Any, request: Dict[str, Any], body: bytes, account: str,
                   region: str) -> bytes:
    """Creates the new mount target's network interface in moto, makes the mount target report it
    and returns the create response with its ID."""
    mount_target = json.loads(body)
    interface = ec2.create_network_interface(
        mount_target["SubnetId"], mount_target.get("IpAddress"),
        group_ids=_groups(network, _body(request).get("SecurityGroups"), mount_target["VpcId"]),
        description=f"EFS mount target for {mount_target['FileSystemId']} ({mount_target['MountTargetId']})",
        ipv6_addresses=[mount_target["Ipv6Address"]] if "Ipv6Address" in mount_target else [])
    interface.requester_managed = True  # as AWS shows the interfaces it manages for a service
    sim.set_network_interface(mount_target["MountTargetId"], interface.id, account_id=account, region=region)
    old = json.dumps(mount_target["NetworkInterfaceId"]).encode()
    return body.replace(old, json.dumps(interface.id).encode(), 1)


def _add_file_system_interfaces(ec2: Any, network: Any, request: Dict[str, Any], body: bytes) -> None:
    """Creates in moto's EC2 the network interfaces of a new FSx file system, as AWS does: one in
    each of its subnets, in its security groups (else its VPC's ``default`` group), requester-managed,
    described ``ENI for Amazon FSx file system fs-...``, with the IDs apsim reports in
    NetworkInterfaceIds (moto's interface is given apsim's ID, so that the response is the one
    apsim answers without moto). An idempotent repeat of the create finds them in place."""
    file_system = json.loads(body)["FileSystem"]
    groups = _body(request).get("SecurityGroupIds")
    for subnet_id, interface_id in zip(file_system["SubnetIds"], file_system["NetworkInterfaceIds"]):
        if interface_id in ec2.enis:
            continue
        interface = ec2.create_network_interface(
            subnet_id, None, group_ids=_groups(network, groups, file_system["VpcId"]),
            description=FSX_INTERFACE.format(file_system["FileSystemId"]))
        interface.requester_managed = True
        del ec2.enis[interface.id]
        interface.id = interface_id
        ec2.enis[interface_id] = interface


def _delete_file_system_interfaces(ec2: Any, file_system_id: str) -> None:
    """Deletes the network interfaces of a deleted FSx file system (found by their description)."""
    description = FSX_INTERFACE.format(file_system_id)
    for interface in [eni for eni in list(ec2.enis.values()) if eni.description == description]:
        ec2.delete_network_interface(interface.id)


def _groups(network: Any, named: Any, vpc_id: str) -> List[str]:
    """The security groups apsim gave a mount target: those named, else its VPC's group named
    ``default`` (as in the declared network)."""
    if named:
        return list(named)
    return [g["GroupId"] for g in network["SecurityGroups"] if g["VpcId"] == vpc_id and g["GroupName"] == "default"][:1]


def _interface_of(ec2: Any, mount_target_id: str) -> Any:
    """The network interface the bridge created in moto for a mount target, if moto still has it."""
    suffix = f"({mount_target_id})"
    return next((eni for eni in list(ec2.enis.values())
                 if eni.description.startswith("EFS mount target for ") and eni.description.endswith(suffix)), None)


def _mount_target_id(path: str) -> str:
    """``/2015-02-01/mount-targets/<id>[/security-groups]`` -> the ID."""
    return unquote(path.split("?", 1)[0].split("/mount-targets/", 1)[1].split("/", 1)[0])


def _body(request: Dict[str, Any]) -> Dict[str, Any]:
    text = request.get("body") or ""
    return json.loads(text) if text else {}
