# Run by CPack (CPACK_PRE_BUILD_SCRIPTS) on the staging tree before it is
# packed: gzip every manual page with -9n, as Debian policy asks.
file(GLOB_RECURSE _manuals "${CPACK_TEMPORARY_DIRECTORY}/*/share/man/man*/*.[1-9]")
foreach(_manual IN LISTS _manuals)
  execute_process(COMMAND gzip -9nf "${_manual}" RESULT_VARIABLE _result)
  if(NOT _result EQUAL 0)
    message(FATAL_ERROR "gzip ${_manual} failed: ${_result}")
  endif()
endforeach()
