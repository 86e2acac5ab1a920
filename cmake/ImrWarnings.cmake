# Warnings belong to targets, not to the global flags.
function(imr_set_warnings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                             -Wno-sign-conversion -Werror=return-type)
endfunction()
