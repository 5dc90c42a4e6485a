# Build-time generation for installer/CMakeLists.txt, run with `cmake -P`:
#
#   -DMODE=cli  -DCLI=<hopscope-cli> -DOUT=<dir> -DMAN_IN=<hopscope-cli.1 configured> -DGZIP=<gzip>
#       completions (bash, zsh, fish) and the hopscope-cli(1) man page, from the program itself
#   -DMODE=gzip -DIN=<file> -DOUTFILE=<file.gz> -DGZIP=<gzip>
#       gzip -9n: no name, no timestamp, so the output is reproducible
cmake_minimum_required(VERSION 3.25)

function(hs_run out_file)
  execute_process(COMMAND ${ARGN} OUTPUT_FILE ${out_file} RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${ARGN} failed (${rc}): ${err}")
  endif()
endfunction()

function(hs_gzip in out)
  hs_run(${out} ${GZIP} -9n -c ${in})
endfunction()

# Build-time tools may be sanitizer builds; leaks at exit are not this step's business.
set(ENV{ASAN_OPTIONS} "detect_leaks=0")

if(MODE STREQUAL "cli")
  file(MAKE_DIRECTORY ${OUT}/completions ${OUT}/man)
  hs_run(${OUT}/completions/hopscope-cli ${CLI} completion bash)
  hs_run(${OUT}/completions/_hopscope-cli ${CLI} completion zsh)
  hs_run(${OUT}/completions/hopscope-cli.fish ${CLI} completion fish)
  execute_process(COMMAND ${CLI} manpage OUTPUT_VARIABLE commands RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${CLI} manpage failed (${rc})")
  endif()
  file(READ ${MAN_IN} page)
  string(REPLACE ".\\\" <<generated-commands>>\n" "${commands}" page "${page}")
  file(WRITE ${OUT}/man/hopscope-cli.1 "${page}")
  hs_gzip(${OUT}/man/hopscope-cli.1 ${OUT}/man/hopscope-cli.1.gz)
elseif(MODE STREQUAL "gzip")
  hs_gzip(${IN} ${OUTFILE})
else()
  message(FATAL_ERROR "generate.cmake: unknown MODE '${MODE}'")
endif()
