"""What the macOS tests and the side-by-side comparison read off a Mach-O file, field by field,
with macholib: no Mac runs these files here, so each field that decides whether one would load
is read instead. Not imported by `tests.harness` itself: only what reads Mach-O needs macholib."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import struct
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from macholib import mach_o
from macholib.MachO import MachO
from macholib.SymbolTable import SymbolTable

ARM64 = 0x0100000C
X86_64 = 0x01000007
# The library ordinals of a symbol bound to no library (`-undefined dynamic_lookup`): ld64
# writes DYNAMIC_LOOKUP_ORDINAL (0xfe) into the symbol table, zig 0.17 writes 0 and leaves the
# flat lookup to its bind information.
DYNAMIC_LOOKUP = (0x00, 0xFE)
# n_type bits that make a symbol table entry a debugger one (stab).
N_STAB = 0xE0
LOADS = (
    mach_o.LC_LOAD_DYLIB,
    mach_o.LC_LOAD_WEAK_DYLIB,
    mach_o.LC_REEXPORT_DYLIB,
    mach_o.LC_LOAD_UPWARD_DYLIB,
)
HASHES = {1: hashlib.sha1, 2: hashlib.sha256}
# Blobs of the embedded signature that a special slot of the CodeDirectory hashes.
SPECIAL_SLOT = {2: 2, 5: 5, 7: 7}  # requirements, entitlements, DER entitlements


@dataclass
class Image:
    cputype: int
    filetype: str  # "execute", "dylib", "bundle"
    minos: tuple[int, int, int]
    dylibs: list[str]
    signed: bool
    exported: set[str]
    undefined: set[str]
    # What the dynamic loader binds each undefined symbol from: an install name, or
    # "dynamic lookup" for the flat namespace.
    bound_from: dict[str, str] = field(default_factory=dict)
    # Where the slice's code signature does not match the slice (empty: every page matches).
    signature_problems: list[str] = field(default_factory=list)
    # Debugger entries (stabs: N_SO, N_OSO, N_FUN...) in the symbol table, which stripping debug
    # info removes.
    stabs: int = 0

    @property
    def signature_valid(self) -> bool:
        return self.signed and not self.signature_problems


def _version(packed: int) -> tuple[int, int, int]:
    return (packed >> 16, (packed >> 8) & 0xFF, packed & 0xFF)


def images(path: Path) -> list[Image]:
    """Every slice of a thin or fat Mach-O file."""
    found = []
    macho = MachO(str(path))
    raw = path.read_bytes()
    for header in macho.headers:
        minos = None
        dylibs = []
        loaded = []  # every library a symbol's ordinal can name, in load-command order
        signature = None
        for command, body, data in header.commands:
            if command.cmd == mach_o.LC_BUILD_VERSION and body.platform == 1:  # PLATFORM_MACOS
                minos = _version(body.minos)
            elif command.cmd == mach_o.LC_VERSION_MIN_MACOSX:
                minos = _version(body.version)
            elif command.cmd in LOADS:
                name = data.rstrip(b"\0").decode()
                loaded.append(name)
                if command.cmd == mach_o.LC_LOAD_DYLIB:
                    dylibs.append(name)
            elif command.cmd == mach_o.LC_CODE_SIGNATURE:
                signature = (body.dataoff, body.datasize)
        assert minos is not None, f"{path}: no LC_BUILD_VERSION or LC_VERSION_MIN_MACOSX"
        symbols = SymbolTable(macho, header)
        bound_from = {}
        for entry, name in symbols.undefsyms:
            ordinal = (entry.n_desc >> 8) & 0xFF
            if ordinal in DYNAMIC_LOOKUP:
                library = "dynamic lookup"
            elif 1 <= ordinal <= len(loaded):
                library = loaded[ordinal - 1]
            else:
                library = f"ordinal {ordinal}"
            bound_from[name.decode()] = library
        start = header.offset
        size = header.size if hasattr(header, "size") and header.size else len(raw) - start
        problems = []
        if signature is not None:
            problems = signature_problems(raw[start : start + size], *signature)
        found.append(
            Image(
                cputype=header.header.cputype,
                filetype=header.filetype,
                minos=minos,
                dylibs=dylibs,
                signed=signature is not None,
                exported={name.decode() for _, name in symbols.extdefsyms},
                undefined={name.decode() for _, name in symbols.undefsyms},
                bound_from=bound_from,
                signature_problems=problems,
                stabs=sum(1 for entry, _ in symbols.nlists if entry.n_type & N_STAB),
            )
        )
    return found


def signature_problems(image: bytes, dataoff: int, datasize: int) -> list[str]:
    """What the kernel would find wrong with the embedded code signature of one Mach-O image:
    each page up to the CodeDirectory's code limit hashed as it is now against the hash the
    signature holds for it, and each special slot against the blob it hashes."""
    blob = image[dataoff : dataoff + datasize]
    if len(blob) < 12 or blob[:4] != b"\xfa\xde\x0c\xc0":
        return ["no embedded signature super blob where LC_CODE_SIGNATURE points"]
    count = struct.unpack_from(">I", blob, 8)[0]
    index = [struct.unpack_from(">II", blob, 12 + 8 * i) for i in range(count)]
    directory = next((offset for kind, offset in index if kind == 0), None)
    if directory is None:
        return ["the signature has no CodeDirectory"]
    cd = blob[directory:]
    (magic, _length, version, _flags, hash_offset, _ident, n_special, n_code, code_limit) = (
        struct.unpack_from(">9I", cd, 0)
    )
    hash_size, hash_type, _platform, page_log = struct.unpack_from(">4B", cd, 36)
    if magic != 0xFADE0C02 or hash_type not in HASHES:
        return [f"not a CodeDirectory this check reads (magic {magic:#x}, hash {hash_type})"]
    if version >= 0x20300:
        code_limit = struct.unpack_from(">Q", cd, 56)[0] or code_limit
    problems = []
    if code_limit != dataoff:
        problems.append(f"code limit {code_limit} is not where the signature starts ({dataoff})")
    page = 1 << page_log if page_log else code_limit
    digest = HASHES[hash_type]
    expected_pages = -(-code_limit // page)
    if n_code != expected_pages:
        problems.append(f"{n_code} code slots for {expected_pages} pages")
    bad = [
        i
        for i in range(min(n_code, expected_pages))
        if digest(image[i * page : min((i + 1) * page, code_limit)]).digest()
        != cd[hash_offset + i * hash_size : hash_offset + (i + 1) * hash_size]
    ]
    if bad:
        problems.append(
            f"{len(bad)} of {n_code} pages differ from their hashes, first page {bad[0]}"
        )
    for kind, offset in index:
        slot = SPECIAL_SLOT.get(kind)
        if slot is None or slot > n_special:
            continue
        length = struct.unpack_from(">I", blob, offset + 4)[0]
        stored = cd[hash_offset - slot * hash_size : hash_offset - (slot - 1) * hash_size]
        if digest(blob[offset : offset + length]).digest() != stored:
            problems.append(f"special slot -{slot} (blob type {kind}) differs from its blob")
    return problems


def tbd_exports(path: Path) -> dict[str, set[str]]:
    """The symbols each library of a text stub (`.tbd`, version 4; several documents for the
    libraries an umbrella re-exports) exports, by install name, for any of its targets."""
    exports: dict[str, set[str]] = {}
    for document in path.read_text().split("--- !tapi-tbd")[1:]:
        name = re.search(r"^install-name:\s*'?([^'\n]+)'?", document, re.MULTILINE)
        assert name, f"{path}: a document without an install-name"
        symbols = exports.setdefault(name.group(1).strip(), set())
        for block in re.split(r"^(?=\S)", document, flags=re.MULTILINE):
            section = block.split(":", 1)[0].strip()
            if section not in ("exports", "reexports"):
                continue
            lists = r"(?:symbols|weak-symbols|thread-local-symbols|objc-classes):\s*\[(.*?)\]"
            for listed in re.findall(lists, block, re.DOTALL):
                symbols.update(w.strip().strip("'\"") for w in listed.split(",") if w.strip())
    return exports


def image(path: Path) -> Image:
    (only,) = images(path)
    return only


def rust_sysroots() -> list[Path]:
    """The sysroot of the `rustc` on PATH, then rustup's toolchains."""
    roots = []
    sysroot = ["rustc", "--print", "sysroot"]
    rustc = subprocess.run(sysroot, capture_output=True, text=True, check=False)
    if rustc.returncode == 0:
        roots.append(Path(rustc.stdout.strip()))
    return roots + sorted(Path.home().glob(".rustup/toolchains/*"))


def rust_objcopy(sysroot: Path) -> str | None:
    path = sysroot / "lib" / "rustlib" / "x86_64-unknown-linux-gnu" / "bin" / "rust-objcopy"
    return str(path) if path.is_file() else None


def runs(program: str) -> bool:
    ran = subprocess.run([program, "--version"], capture_output=True, check=False)
    return ran.returncode == 0


def with_rust_objcopy(env: dict[str, str], tools: Path) -> dict[str, str]:
    """`env` with what Debian's rustc needs to strip Mach-O files, which it does itself after the
    link with `rust-objcopy`: rustup ships one, Debian does not. A `rust-objcopy` in `tools`, put
    first on PATH, that runs the first objcopy that runs here: rustup's (which cannot where its
    libLLVM is missing), else LLVM 19's (`.ci/setup` installs it). With none, this fails: release
    builds that cannot strip are not the builds users get."""
    candidates = [rust_objcopy(root) for root in rust_sysroots()]
    # LLVM 14's objcopy keeps the stabs that --strip-debug removes from Mach-O files; 19's does not.
    candidates.append(shutil.which("llvm-objcopy-19"))
    found = next((c for c in candidates if c and runs(c)), None)
    if found is None:
        raise RuntimeError(
            f"no objcopy that runs here (tried {[c for c in candidates if c]}): install llvm-19"
        )
    tools.mkdir(parents=True, exist_ok=True)
    # A script, not a link: rustup's binary finds its LLVM library relative to its own path.
    (tools / "rust-objcopy").write_text(f'#!/bin/sh\nexec "{found}" "$@"\n')
    (tools / "rust-objcopy").chmod(0o755)
    return {**env, "PATH": f"{tools}{os.pathsep}{env.get('PATH', '')}"}
