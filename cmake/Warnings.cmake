# llamascope_set_warnings(<target>): the project's warning flags, PRIVATE to the target.
function(llamascope_set_warnings target)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4)
  else()
    target_compile_options(${target} PRIVATE
      -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
      -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual)
  endif()
  if(LLAMASCOPE_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE $<IF:$<CXX_COMPILER_ID:MSVC>,/WX,-Werror>)
    # GCC 12's flow-sensitive warnings give false positives inside libstdc++ at -O2/-O3
    # (std::optional, char_traits::copy); they stay visible but do not fail the build.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      target_compile_options(${target} PRIVATE -Wno-error=maybe-uninitialized -Wno-error=restrict
                                               -Wno-error=stringop-overflow -Wno-error=array-bounds)
    endif()
  endif()
endfunction()
