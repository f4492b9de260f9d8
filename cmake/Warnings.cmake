# Warnings every target gets; TANDEM_WERROR (on in CI) makes them errors.
add_library(tandem_warnings INTERFACE)
target_compile_options(tandem_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough
  # GCC 12 reports std::string concatenation inlined at -O2/-O3 as overlapping memcpy
  # (GCC bug 105329, a false positive); it would fail -Werror builds on Debian 12.
  $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
if(TANDEM_WERROR)
  target_compile_options(tandem_warnings INTERFACE -Werror)
endif()

if(TANDEM_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
