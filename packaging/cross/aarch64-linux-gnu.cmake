# CMake toolchain for a Linux aarch64 build on a Debian x86_64 host: Debian's cross compiler
# (gcc-aarch64-linux-gnu, g++-aarch64-linux-gnu) and arm64 multiarch libraries
# (dpkg --add-architecture arm64; libssl-dev:arm64 …), which live in /usr/lib/aarch64-linux-gnu
# beside the host's. Used by packaging/build-aarch64.sh.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# find_* search /usr/lib/aarch64-linux-gnu (and its cmake/ configs) before anything else.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# pkg-config (FindOpenSSL asks it first) reads only the arm64 .pc files: the host's would name
# /usr/lib/x86_64-linux-gnu/libssl.a, which the cross linker cannot use.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
# Programs built for the target run through qemu-user (try_run, tests).
find_program(LARDER_QEMU_AARCH64 NAMES qemu-aarch64-static qemu-aarch64)
if(LARDER_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${LARDER_QEMU_AARCH64})
endif()
