# Turns a data file into a C++ source that exposes its bytes, so the binary carries a
# default copy of its vocabulary and runs from any directory. The file stays the source
# of truth: editing it rebuilds the generated source.
function(imr_embed_file target input symbol)
    set(output "${CMAKE_CURRENT_BINARY_DIR}/embedded_${symbol}.cpp")
    add_custom_command(
        OUTPUT "${output}"
        COMMAND ${CMAKE_COMMAND} -DINPUT=${input} -DOUTPUT=${output} -DSYMBOL=${symbol}
                -P "${PROJECT_SOURCE_DIR}/cmake/ImrEmbedScript.cmake"
        DEPENDS "${input}" "${PROJECT_SOURCE_DIR}/cmake/ImrEmbedScript.cmake"
        COMMENT "Embedding ${input}")
    target_sources(${target} PRIVATE "${output}")
endfunction()
