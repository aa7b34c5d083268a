#!/usr/bin/env python3
"""Lets TorchSharp 0.107's libLibTorchSharp.so load with Debian 12's libstdc++ (GCC 12, GLIBCXX_3.4.30).

The library was linked by GCC 13 and asks for one symbol of GLIBCXX_3.4.32: std::ios_base_library_init(), which GCC 13's
<iostream> calls so that the standard streams are built before use (GCC 12 builds them from a static object in every
file that includes <iostream>). This script edits the ELF file in place, two fields:
  - that symbol's version index becomes "global" (unversioned), so any library may define it: the one-line
    libios_base_library_init.so beside this script, loaded first with LD_PRELOAD (it includes <iostream>, so the
    streams are built as GCC 12 builds them);
  - the GLIBCXX_3.4.32 requirement becomes weak (VER_FLG_WEAK), so the loader no longer refuses the file.
Run again on an edited file, it changes nothing.   usage: libstdcxx_compat.py libLibTorchSharp.so
"""
import struct, sys

SYMBOL, VERSION = b"_ZSt21ios_base_library_initv", b"GLIBCXX_3.4.32"
SHT_DYNSYM, SHT_GNU_VERSYM, SHT_GNU_VERNEED, VER_FLG_WEAK = 11, 0x6FFFFFFF, 0x6FFFFFFE, 2

path = sys.argv[1]
data = bytearray(open(path, "rb").read())
if data[:5] != b"\x7fELF\x02":
    sys.exit(f"{path}: not a 64-bit ELF file")
shoff, = struct.unpack_from("<Q", data, 0x28)
shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
# (type, offset, size, link, info, entsize) of every section header
sections = [struct.unpack_from("<4xI16xQQII8xQ", data, shoff + i * shentsize) for i in range(shnum)]


def string(table, offset):
    start = sections[table][1] + offset
    return bytes(data[start:data.index(0, start)])


def section(kind):
    return next(s for s in sections if s[0] == kind)


dynsym, versym = section(SHT_DYNSYM), section(SHT_GNU_VERSYM)
symbols = 0
for i in range(dynsym[2] // dynsym[5]):
    name, = struct.unpack_from("<I", data, dynsym[1] + i * dynsym[5])
    if string(dynsym[3], name) == SYMBOL:
        struct.pack_into("<H", data, versym[1] + 2 * i, 1)   # VER_NDX_GLOBAL
        symbols += 1

verneed = section(SHT_GNU_VERNEED)
requirements, entry = 0, verneed[1]
for _ in range(verneed[4]):
    count, aux_offset, next_entry = struct.unpack_from("<2xH4xII", data, entry)
    aux = entry + aux_offset
    for _ in range(count):
        flags, name, next_aux = struct.unpack_from("<4xH2xII", data, aux)
        if string(verneed[3], name) == VERSION:
            struct.pack_into("<H", data, aux + 4, flags | VER_FLG_WEAK)
            requirements += 1
        aux += next_aux
    entry += next_entry

if symbols == 0 or requirements == 0:
    sys.exit(f"{path}: no {SYMBOL.decode()} of {VERSION.decode()} to relax (another TorchSharp version?)")
open(path, "wb").write(data)
print(f"{path}: {SYMBOL.decode()} unversioned, {VERSION.decode()} weak")
