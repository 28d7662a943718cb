# Script mode (cmake -P), run at build time by cmake/Packaging.cmake. Generates files from
# the built programs themselves, so they cannot drift from the code:
#   MODE=man         OUTPUT=<name>.1.gz from `PROGRAM --help` and `PROGRAM <command> --help`
#                    for every command `PROGRAM --help` lists (the llamascope CLI)
#   MODE=man-single  OUTPUT=<name>.1.gz from `PROGRAM --help` alone (llamascope-gui)
#   MODE=completion  OUTPUT=<file> from `PROGRAM completion bash`
# Also needs NAME (program name), VERSION, SUMMARY (one line for NAME); SEE_ALSO is optional.
cmake_minimum_required(VERSION 3.25)

function(run_program out_var)
  execute_process(COMMAND "${PROGRAM}" ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "Generate.cmake: `${PROGRAM} ${ARGN}` failed (${rc}):\n${out}${err}")
  endif()
  # Qt's help names the program by its path in the build tree.
  string(REPLACE "${PROGRAM}" "${NAME}" out "${out}")
  # ';' would split CMake lists: carried as a placeholder until roff_escape.
  string(REPLACE ";" "<semicolon>" out "${out}")
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

# Text to roff: backslashes and minus signs escaped; every line starts with the zero-width
# \& so that a leading '.' or '\'' is text, not a request.
function(roff_escape out_var text)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REPLACE "-" "\\-" text "${text}")
  string(REPLACE "\n" "\n\\&" text "${text}")
  string(REPLACE "<semicolon>" ";" text "${text}")
  set(${out_var} "\\&${text}" PARENT_SCOPE)
endfunction()

# Help text as a no-fill block (its columns are already laid out).
function(roff_verbatim out_var text)
  roff_escape(text "${text}")
  string(STRIP "${text}" text)
  set(${out_var} ".nf\n${text}\n.fi\n" PARENT_SCOPE)
endfunction()

function(write_gzip path content)
  get_filename_component(dir "${path}" DIRECTORY)
  string(REGEX REPLACE "\\.gz$" "" plain "${path}")
  file(WRITE "${plain}" "${content}")
  # `raw` + GZip: a plain .gz of one file, as man expects (no tar inside). MTIME 0 and no
  # name keep the package reproducible.
  file(ARCHIVE_CREATE OUTPUT "${path}" PATHS "${plain}" FORMAT raw COMPRESSION GZip MTIME 0)
endfunction()

string(TOUPPER "${NAME}" upper)
roff_escape(summary "${SUMMARY}")
set(header ".\\\" Generated from `${NAME} --help` by packaging/Generate.cmake; do not edit.
.TH ${upper} 1 \"\" \"${NAME} ${VERSION}\" \"User Commands\"
.SH NAME
${NAME} \\- ${summary}
")

if(MODE STREQUAL "completion")
  run_program(script completion bash)
  string(REPLACE "<semicolon>" ";" script "${script}")
  file(WRITE "${OUTPUT}" "${script}")
elseif(MODE STREQUAL "man-single")
  run_program(help --help)
  roff_verbatim(body "${help}")
  set(page "${header}.SH DESCRIPTION\n${body}")
  if(SEE_ALSO)
    string(APPEND page ".SH SEE ALSO\n${SEE_ALSO}\n")
  endif()
  write_gzip("${OUTPUT}" "${page}")
elseif(MODE STREQUAL "man")
  run_program(help --help)
  # `llamascope --help`: "usage: ..." line, description, "commands:", one "  NAME  summary"
  # line per command, closing remarks.
  string(FIND "${help}" "\ncommands:\n" at)
  if(at LESS 0)
    message(FATAL_ERROR "Generate.cmake: no 'commands:' section in `${PROGRAM} --help`:\n${help}")
  endif()
  string(SUBSTRING "${help}" 0 ${at} intro)
  math(EXPR rest_at "${at} + 11")
  string(SUBSTRING "${help}" ${rest_at} -1 rest)
  # (string(FIND) and SUBSTRING, not REGEX REPLACE "^...": CMake re-anchors ^ after a match.)
  string(FIND "${intro}" "\n" eol)
  string(SUBSTRING "${intro}" 0 ${eol} usage_line)
  string(SUBSTRING "${intro}" ${eol} -1 description)
  string(STRIP "${description}" description)
  string(REGEX REPLACE "^usage: *" "" synopsis "${usage_line}")
  string(REGEX MATCHALL "(^|\n)  [a-z][a-z-]*  [^\n]*" command_lines "${rest}")
  string(REGEX REPLACE "^(\n?  [a-z][a-z-]*  [^\n]*)+\n*" "" closing "${rest}")
  roff_escape(synopsis "${synopsis}")
  roff_escape(description "${description}")
  roff_escape(closing "${closing}")
  set(page "${header}.SH SYNOPSIS\n${synopsis}\n.SH DESCRIPTION\n${description}\n.PP\n${closing}\n.SH COMMANDS\n")
  set(commands "")
  foreach(line IN LISTS command_lines)
    string(REGEX REPLACE "^\n?  ([a-z][a-z-]*)  +(.*)$" "\\1" command "${line}")
    string(REGEX REPLACE "^\n?  ([a-z][a-z-]*)  +(.*)$" "\\2" what "${line}")
    roff_escape(what "${what}")
    run_program(command_help ${command} --help)
    roff_verbatim(body "${command_help}")
    string(APPEND page ".SS ${command}\n${what}\n.PP\n${body}")
    list(APPEND commands ${command})
  endforeach()
  list(LENGTH commands n)
  if(n LESS 5)
    message(FATAL_ERROR "Generate.cmake: found only ${n} commands in `${PROGRAM} --help`")
  endif()
  string(APPEND page ".SH SHELL COMPLETION\n"
    "Bash completion (commands, options, bundled config names) is installed with the package;\n"
    ".B ${NAME} completion bash\nprints it.\n")
  string(APPEND page ".SH FILES\nPREFIX is /usr for the Debian package.\n"
    ".TP\n.I PREFIX/share/llamascope/configs\nthe bundled family (also compiled into the program)\n"
    ".TP\n.I PREFIX/share/llamascope/schemas\nJSON Schemas for config files and for \\-\\-format json output\n")
  if(SEE_ALSO)
    string(APPEND page ".SH SEE ALSO\n${SEE_ALSO}\n")
  endif()
  write_gzip("${OUTPUT}" "${page}")
else()
  message(FATAL_ERROR "Generate.cmake: unknown MODE '${MODE}'")
endif()
