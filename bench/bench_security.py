#!/usr/bin/env python3
"""win32security benchmark: file security and SDDL, operations per second,
against the POSIX tools and a pure-Python floor, in one run.

    python bench/bench_security.py            # ~10 s
    python bench/bench_security.py --quick

Rows (a file with a POSIX ACL: owner, two named users, a named group, mask,
no rights for others):
- GetNamedSecurityInfo (owner, group, DACL) against
  * `getfacl` (one process per file: what a shell script does),
  * os.stat + os.getxattr(system.posix_acl_access) + a minimal parse (the
    floor: the same system calls with nothing built from them);
- SetNamedSecurityInfo (the same DACL back) against `setfacl --set` and a
  raw os.setxattr of the same bytes;
- SDDL: ConvertStringSecurityDescriptorToSecurityDescriptor and back on a
  typical file descriptor string, against building the same descriptor
  from its binary form (pywintypes.SECURITY_DESCRIPTOR(bytes)) and bytes().
The ratio column is ours / peer in operations per second (> 1: we are faster).
Needs the package installed and the acl tools (apt-get install acl).
"""
import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

import win32security as s

ALL = s.OWNER_SECURITY_INFORMATION | s.GROUP_SECURITY_INFORMATION | s.DACL_SECURITY_INFORMATION
SDDL = ("O:S-1-22-1-1000G:S-1-22-2-1000D:PAI(D;;CCSW;;;S-1-22-2-1000)(A;;0x12019f;;;S-1-22-1-1000)"
        "(A;;FR;;;S-1-22-1-4242)(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;;0x1200a9;;;BU)(A;OICIIO;GA;;;CO)")


def rate(fn, seconds):
    """Calls per second of fn, best of 3 runs of about seconds/3 each."""
    fn()
    best = 0.0
    for _ in range(3):
        n, start = 0, time.perf_counter()
        while True:
            for _ in range(10):
                fn()
            n += 10
            elapsed = time.perf_counter() - start
            if elapsed >= seconds / 3:
                break
        best = max(best, n / elapsed)
    return best


def parse_xattr(data):
    return [struct.unpack_from("<HHI", data, off) for off in range(4, len(data), 8)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    seconds = 0.6 if args.quick else 1.5
    if shutil.which("getfacl") is None or shutil.which("setfacl") is None:
        sys.exit("needs getfacl/setfacl (apt-get install acl)")
    workdir = tempfile.mkdtemp(prefix="bench-security-")
    try:
        path = os.path.join(workdir, "f")
        with open(path, "w") as f:
            f.write("x")
        os.chmod(path, 0o640)
        # Accounts every Debian system has: daemon (1), bin (2), group sys (3).
        subprocess.run(["setfacl", "-m", "u:1:r,u:2:rw,g:3:r", path], check=True)
        acl_text = subprocess.run(["getfacl", "-c", "-n", path], check=True, capture_output=True,
                                  text=True).stdout
        raw = os.getxattr(path, "system.posix_acl_access")
        dacl = s.GetNamedSecurityInfo(path, s.SE_FILE_OBJECT, ALL).GetSecurityDescriptorDacl()
        sd = s.ConvertStringSecurityDescriptorToSecurityDescriptor(SDDL, s.SDDL_REVISION_1)
        binary = bytes(sd)
        import pywintypes

        def getfacl():
            subprocess.run(["getfacl", "-c", "-n", "-p", path], check=True, stdout=subprocess.DEVNULL)

        def setfacl():
            subprocess.run(["setfacl", "--set-file=-", path], input=acl_text, text=True, check=True)

        rows = [
            ("GetNamedSecurityInfo", lambda: s.GetNamedSecurityInfo(path, s.SE_FILE_OBJECT, ALL),
             [("getfacl process", getfacl),
              ("stat+getxattr floor", lambda: (os.stat(path), parse_xattr(os.getxattr(path, "system.posix_acl_access"))))]),
            ("SetNamedSecurityInfo", lambda: s.SetNamedSecurityInfo(path, s.SE_FILE_OBJECT, s.DACL_SECURITY_INFORMATION,
                                                                    None, None, dacl, None),
             [("setfacl process", setfacl),
              ("raw setxattr floor", lambda: os.setxattr(path, "system.posix_acl_access", raw))]),
            ("SDDL -> descriptor", lambda: s.ConvertStringSecurityDescriptorToSecurityDescriptor(SDDL, 1),
             [("descriptor from bytes", lambda: pywintypes.SECURITY_DESCRIPTOR(binary))]),
            ("descriptor -> SDDL", lambda: s.ConvertSecurityDescriptorToStringSecurityDescriptor(sd, 1, ALL),
             [("descriptor to bytes", lambda: bytes(sd))]),
        ]
        print("%-22s %12s   %-22s %12s %8s" % ("ours", "ops/s", "peer", "ops/s", "ratio"))
        for name, ours, peers in rows:
            mine = rate(ours, seconds)
            for peer_name, peer in peers:
                theirs = rate(peer, seconds)
                print("%-22s %12.0f   %-22s %12.0f %8.2f" % (name, mine, peer_name, theirs, mine / theirs))
                name = ""
        # The descriptor written is the one read: the benchmark measured real work.
        assert s.ConvertSecurityDescriptorToStringSecurityDescriptor(
            s.GetNamedSecurityInfo(path, s.SE_FILE_OBJECT, ALL), 1, ALL)
        assert os.getxattr(path, "system.posix_acl_access") == raw
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
