# Sanitizer and fuzzing instrumentation as a target, not as global flags. imr_core links
# imr::instrumentation PUBLIC, so the engine and everything built on it (libraries, tests,
# the program) are compiled and linked with the same -fsanitize set; system libraries
# (poppler, RE2, simdjson, librdkafka) stay uninstrumented.
#
#   IMR_SANITIZE=address,undefined   the `asan` preset (gcc)
#   IMR_SANITIZE=thread              the `tsan` preset (gcc)
#   IMR_FUZZ=ON                      the `fuzz` preset (clang): coverage for libFuzzer
set(IMR_SANITIZE "" CACHE STRING "Sanitizers for every project target (address,undefined | thread | empty)")
option(IMR_FUZZ "Build the libFuzzer targets (clang only)" OFF)

add_library(imr_instrumentation INTERFACE)
add_library(imr::instrumentation ALIAS imr_instrumentation)

if(IMR_FUZZ AND NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "IMR_FUZZ needs clang (libFuzzer); use the `fuzz` preset")
endif()

set(imr_sanitize_list "${IMR_SANITIZE}")
if(IMR_FUZZ)
    # The fuzz targets add -fsanitize=fuzzer (libFuzzer's main) at their own link.
    list(APPEND imr_sanitize_list fuzzer-no-link)
endif()
list(JOIN imr_sanitize_list "," imr_sanitize_flag)

if(imr_sanitize_flag)
    # A sanitizer report is a failure, never a warning to scroll past: no recovery.
    target_compile_options(imr_instrumentation INTERFACE -fsanitize=${imr_sanitize_flag}
                                                         -fno-sanitize-recover=all
                                                         -fno-omit-frame-pointer)
    target_link_options(imr_instrumentation INTERFACE -fsanitize=${imr_sanitize_flag})
endif()
