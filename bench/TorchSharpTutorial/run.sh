#!/usr/bin/env bash
# Builds and runs the TorchSharp tutorial step (arguments go to it: --data DIR --steps N --threads N --json).
# Where the system's libstdc++ is older than GCC 13's (Debian 12), the built libLibTorchSharp.so is first adapted
# (libstdcxx_compat.py) and a one-function shim is preloaded; needs g++ and python3 for that (apt-get install g++).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/bin/Release/net10.0
dotnet build "$here" -c Release -v q --nologo >&2
libstdcxx=$(/sbin/ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ && !found { print $NF; found = 1 }')   # no early exit: ldconfig would die of SIGPIPE under pipefail
if [[ -n "$libstdcxx" ]] && ! grep -q GLIBCXX_3.4.32 "$libstdcxx"; then
    shim=$out/libios_base_library_init.so
    [[ -f "$shim" ]] || g++ -O2 -shared -fPIC -o "$shim" "$here/ios_base_library_init.cpp"
    python3 "$here/libstdcxx_compat.py" "$out/runtimes/linux-x64/native/libLibTorchSharp.so" >&2
    export LD_PRELOAD=$shim
fi
exec "$out/TorchSharpTutorial" "$@"
