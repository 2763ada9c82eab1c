"""Files through a mount from Python (files.md section 9): os-style methods, os's errors, access
points, policies, umask, and the same Mount from inside apsim.mock_aws()."""
import errno
import os
import stat

import boto3
import pytest

import apsim
from conftest import SUBNET


@pytest.fixture
def world(sim):
    efs = sim.client("efs")
    fs = efs.create_file_system(CreationToken="t")["FileSystemId"]
    efs.describe_file_systems()
    efs.create_mount_target(FileSystemId=fs, SubnetId=SUBNET)
    efs.describe_mount_targets(FileSystemId=fs)
    return sim, efs, fs


def test_a_mount_works_like_os(world):
    sim, efs, fs = world
    with sim.mount(fs) as m:
        m.makedirs("/data/logs")
        m.write_text("/data/logs/app.log", "hello\n")
        with m.open("/data/logs/app.log", "a") as f:
            f.write("world\n")
        assert m.read_text("/data/logs/app.log") == "hello\nworld\n"
        st = m.stat("/data/logs/app.log")
        assert stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o644 and st.st_size == 12 and st.st_uid == 0
        assert stat.S_IMODE(m.stat("/data").st_mode) == 0o755  # 0o777 with the umask 022
        m.symlink("logs/app.log", "/data/current")
        assert m.readlink("/data/current") == "logs/app.log" and stat.S_ISLNK(m.lstat("/data/current").st_mode)
        assert m.read_bytes("/data/current") == b"hello\nworld\n"
        assert list(m.walk("/")) == [("/", ["data"], []), ("/data", ["logs"], ["current"]), ("/data/logs", [], ["app.log"])]
        with pytest.raises(FileNotFoundError) as e:
            m.read_bytes("/nope")
        assert (e.value.errno, e.value.filename) == (errno.ENOENT, "/nope")
        with pytest.raises(IsADirectoryError):
            m.remove("/data")
        with pytest.raises(OSError) as e:
            m.rmdir("/data")
        assert e.value.errno == errno.ENOTEMPTY
        # Another process of the client host: uid 1000 may not write into root's 0755 directory.
        with pytest.raises(PermissionError):
            m.as_user(1000, 1000).write_text("/data/mine", "x")
    with pytest.raises(OSError) as e:
        m.stat("/")
    assert e.value.errno == errno.EBADF


def test_access_points_and_mount_errors(world):
    sim, efs, fs = world
    ap = efs.create_access_point(FileSystemId=fs, PosixUser={"Uid": 1000, "Gid": 1000},
                                 RootDirectory={"Path": "/app", "CreationInfo": {"OwnerUid": 1000, "OwnerGid": 1000, "Permissions": "755"}})
    efs.describe_access_points(AccessPointId=ap["AccessPointId"])
    m = sim.mount(ap["AccessPointArn"], uid=0)
    m.write_bytes("/blob", b"\x00\x01\xff")
    st = m.stat("/blob")
    assert (st.st_uid, st.st_gid) == (1000, 1000)
    with pytest.raises(apsim.MountError) as e:
        sim.mount(fs, access_point=ap["AccessPointId"], tls=False)
    assert e.value.strerror == 'The "tls" option is required when mounting via "accesspoint"' and e.value.errno is None
    with pytest.raises(apsim.MountError) as e:
        sim.mount(fs, path="/missing")
    assert e.value.errno == errno.ENOENT and "No such file or directory" in e.value.strerror
    efs.put_file_system_policy(FileSystemId=fs, Policy='{"Statement": [{"Effect": "Allow", "Principal": "*", '
                                                        '"Action": "elasticfilesystem:ClientMount"}]}')
    ro = sim.mount(fs)
    with pytest.raises(OSError) as e:
        ro.write_text("/x", "x")
    assert e.value.errno == errno.EROFS


def test_the_mock_aws_world_mounts_too():
    with apsim.mock_aws() as world:
        efs = boto3.client("efs", region_name="us-east-1")
        fs = efs.create_file_system(CreationToken="m")["FileSystemId"]
        efs.describe_file_systems()
        efs.create_mount_target(FileSystemId=fs, SubnetId=SUBNET)
        efs.describe_mount_targets(FileSystemId=fs)
        with world.mount(fs) as m:
            m.write_text("/hello", "hi")
            assert m.listdir("/") == ["hello"]
        size = efs.describe_file_systems(FileSystemId=fs)["FileSystems"][0]["SizeInBytes"]["Value"]
        assert size == 6144 + 6144
