# Cross-compiling for 64-bit ARM Linux (Raspberry Pi 4 and 5, Home Assistant Green and Yellow)
# on a Debian 12 machine of another architecture, with Debian's cross compiler
# (crossbuild-essential-arm64) and the arm64 libraries installed beside the machine's own
# (dpkg --add-architecture arm64; apt-get install libpaho-mqttpp-dev:arm64 ...).
# scripts/cross-build.sh arm64 installs all of it, builds and runs the unit tests under QEMU.
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(HEMS_CROSS_TRIPLE aarch64-linux-gnu)

set(CMAKE_C_COMPILER ${HEMS_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${HEMS_CROSS_TRIPLE}-g++)

# Debian's multiarch puts the arm64 libraries, their CMake packages and pkg-config files in
# /usr/lib/aarch64-linux-gnu, in the machine's own root: no separate sysroot. Naming the library
# architecture makes find_package and find_library look there and not in /usr/lib/x86_64-linux-gnu;
# header-only packages that ship arch-independent files (nlohmann-json3-dev in /usr/share) are
# found as they are.
set(CMAKE_LIBRARY_ARCHITECTURE ${HEMS_CROSS_TRIPLE})
set(CMAKE_FIND_USE_PACKAGE_REGISTRY OFF)

# pkg-config (libserialport, OpenSSL for Paho) reads only the arm64 .pc files and the
# arch-independent ones; a PKG_CONFIG_PATH from the environment would bring the machine's own.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/${HEMS_CROSS_TRIPLE}/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")

# Running what was built: CTest, and gtest_discover_tests listing the tests after each build, go
# through QEMU's user-mode emulator (Debian's qemu-user), since a machine without binfmt_misc
# cannot start an arm64 program by itself. The dynamic loader and the C library should come from
# one glibc build. The arm64 libraries bring the multiarch libc6:arm64 (/lib/ld-linux-aarch64.so.1),
# and the loader finds them and it through the machine's own ld.so.cache, so its root is /; the
# cross compiler's copy in /usr/aarch64-linux-gnu is another Debian revision and serves only a
# machine without libc6:arm64. Cached, so scripts/cross-build.sh runs the programs the same way;
# -DCMAKE_CROSSCOMPILING_EMULATOR=... chooses another.
if(NOT CMAKE_CROSSCOMPILING_EMULATOR)
  find_program(HEMS_QEMU_AARCH64 qemu-aarch64)
  if(HEMS_QEMU_AARCH64)
    if(EXISTS /lib/ld-linux-aarch64.so.1)
      set(loader_root /)
    else()
      set(loader_root /usr/${HEMS_CROSS_TRIPLE})
    endif()
    set(CMAKE_CROSSCOMPILING_EMULATOR ${HEMS_QEMU_AARCH64} -L ${loader_root}
        CACHE STRING "How the tests start the built programs")
  endif()
endif()
