// GCC 13's std::ios_base_library_init() for GCC 12's libstdc++ (see libstdcxx_compat.py): including <iostream> here
// builds the standard streams as GCC 12 does, so the function itself has nothing left to do.
#include <iostream>

namespace std { void ios_base_library_init() {} }
