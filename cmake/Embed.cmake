# llamascope_embed_files(<out_var> FUNCTION <name> INPUTS <files...> [COMMENT <text>])
# Generates a C++ source that defines `std::span<const EmbeddedFile> llamascope::<name>()`
# with each input's stem and exact bytes (cmake/EmbedFiles.cmake), regenerated when an input
# changes, and stores its path in <out_var> for target_sources(). The files stay the source
# of truth; the compiled-in copy lets the tools work from any directory.
function(llamascope_embed_files out_var)
  cmake_parse_arguments(arg "" "FUNCTION;COMMENT" "INPUTS" ${ARGN})
  set(output "${CMAKE_CURRENT_BINARY_DIR}/generated/embedded_${arg_FUNCTION}.cpp")
  add_custom_command(
    OUTPUT "${output}"
    COMMAND "${CMAKE_COMMAND}" -DOUTPUT=${output} -DNAMESPACE=llamascope
            -DFUNCTION=${arg_FUNCTION} "-DINPUTS=${arg_INPUTS}"
            -P "${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake"
    DEPENDS ${arg_INPUTS} "${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake"
    COMMENT "${arg_COMMENT}"
    VERBATIM)
  set(${out_var} "${output}" PARENT_SCOPE)
endfunction()
