# One static library per module (draftsmith_<module>, from src/<module>/*.cpp),
# made from the table in cmake/modules.cmake.
#
# Why the include trees: every public header sits under include/draftsmith/,
# so a plain -Iinclude would let any module include any other and the mistake
# would only show (maybe) at link time. Each module's files compile instead
# against build/<preset>/modules/<module>/include/, which holds symbolic links
# to the header folders of the module itself and of what it may use (its USES
# and theirs), so `#include "draftsmith/report/..."` in a module that may not
# use report fails to compile, naming the file. Code outside the modules
# (main.cpp, tests, fuzz targets, bench) sees all of include/.

set(DRAFTSMITH_MODULES "")

# draftsmith_module(<name> [USES <module>...] [LIBS <target>...] [HEADERS <prefix>...])
# records one row of the table; draftsmith_add_module_libraries() makes them.
function(draftsmith_module name)
  cmake_parse_arguments(PARSE_ARGV 1 _arg "" "" "USES;LIBS;HEADERS")
  set(DRAFTSMITH_MODULES ${DRAFTSMITH_MODULES} ${name} PARENT_SCOPE)
  set(DRAFTSMITH_USES_${name} ${_arg_USES} PARENT_SCOPE)
  set(DRAFTSMITH_LIBS_${name} ${_arg_LIBS} PARENT_SCOPE)
endfunction()

# Fails the configuration on a USES edge against the layers that is not a named
# exception, and on a src/ folder without a row (or a row without a folder).
function(_draftsmith_check_modules)
  set(_index 0)
  foreach(_layer IN LISTS DRAFTSMITH_LAYERS)
    string(REPLACE " " ";" _members "${_layer}")
    foreach(_module IN LISTS _members)
      set(_layer_of_${_module} ${_index})
    endforeach()
    math(EXPR _index "${_index} + 1")
  endforeach()
  foreach(_module IN LISTS DRAFTSMITH_MODULES)
    if(NOT DEFINED _layer_of_${_module})
      message(FATAL_ERROR "cmake/modules.cmake: module '${_module}' is on no layer of DRAFTSMITH_LAYERS")
    endif()
    if(NOT IS_DIRECTORY ${PROJECT_SOURCE_DIR}/src/${_module})
      message(FATAL_ERROR "cmake/modules.cmake: module '${_module}' has no folder src/${_module}")
    endif()
    foreach(_dep IN LISTS DRAFTSMITH_USES_${_module})
      if(NOT _layer_of_${_dep} LESS _layer_of_${_module}
         AND NOT "${_module}->${_dep}" IN_LIST DRAFTSMITH_LAYERING_EXCEPTIONS)
        message(FATAL_ERROR "cmake/modules.cmake: ${_module} may not use ${_dep} "
          "(same or higher layer, and not in DRAFTSMITH_LAYERING_EXCEPTIONS)")
      endif()
    endforeach()
  endforeach()
  file(GLOB _folders LIST_DIRECTORIES true RELATIVE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/src/*)
  foreach(_folder IN LISTS _folders)
    if(IS_DIRECTORY ${PROJECT_SOURCE_DIR}/src/${_folder} AND NOT _folder IN_LIST DRAFTSMITH_MODULES)
      message(FATAL_ERROR "src/${_folder} has no row in cmake/modules.cmake")
    endif()
  endforeach()
endfunction()

# The modules `module` may see headers of: itself, its USES, and theirs.
function(_draftsmith_visible module out)
  set(_seen ${module})
  set(_todo ${DRAFTSMITH_USES_${module}})
  while(_todo)
    list(POP_FRONT _todo _next)
    if(NOT _next IN_LIST _seen)
      list(APPEND _seen ${_next})
      list(APPEND _todo ${DRAFTSMITH_USES_${_next}})
    endif()
  endwhile()
  set(${out} ${_seen} PARENT_SCOPE)
endfunction()

# Makes draftsmith_<module> for every row. Needs the INTERFACE targets
# draftsmith_common (language level, fmt, json, threads, sanitizers, generated
# headers), draftsmith_headers (all of include/, for code outside the modules)
# and draftsmith_warnings.
function(draftsmith_add_module_libraries)
  _draftsmith_check_modules()
  foreach(_module IN LISTS DRAFTSMITH_MODULES)
    set(_tree ${CMAKE_BINARY_DIR}/modules/${_module}/include/draftsmith)
    file(GLOB _old ${_tree}/*)
    foreach(_link IN LISTS _old)
      file(REMOVE ${_link})  # the links only, never what they point to
    endforeach()
    file(MAKE_DIRECTORY ${_tree})
    _draftsmith_visible(${_module} _visible)
    foreach(_seen IN LISTS _visible)
      file(CREATE_LINK ${PROJECT_SOURCE_DIR}/include/draftsmith/${_seen} ${_tree}/${_seen} SYMBOLIC)
    endforeach()

    file(GLOB _sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${_module}/*.cpp)
    list(FILTER _sources EXCLUDE REGEX "/src/cli/main\\.cpp$")
    add_library(draftsmith_${_module} STATIC ${_sources})
    target_include_directories(draftsmith_${_module} PRIVATE ${CMAKE_BINARY_DIR}/modules/${_module}/include)
    target_link_libraries(draftsmith_${_module}
      PUBLIC draftsmith_common
      PRIVATE draftsmith_warnings ${DRAFTSMITH_LIBS_${_module}}
      INTERFACE draftsmith_headers)
    foreach(_dep IN LISTS DRAFTSMITH_USES_${_module})
      # LINK_ONLY: link the module, but do not take its usage requirements
      # (all of include/), which would undo the include tree above.
      target_link_libraries(draftsmith_${_module} PRIVATE $<LINK_ONLY:draftsmith_${_dep}>)
    endforeach()
  endforeach()
endfunction()

# Links `target` (a test, fuzz target or benchmark) with the modules its
# sources, and the headers beside them, include: `"draftsmith/<module>/..."`,
# or a module's private header (`"llm/wire.hpp"`, `"../../../src/host/rest.hpp"`).
# A module's USES come with it, so a suite links what it needs and no more
# (a fuzz target for the comment grammar builds trigger and util only). Any
# edit to a scanned file re-runs this at the next build.
function(draftsmith_link_modules_used_by target)
  get_target_property(_sources ${target} SOURCES)
  get_target_property(_source_dir ${target} SOURCE_DIR)
  set(_files "")
  foreach(_source IN LISTS _sources)
    get_filename_component(_path ${_source} ABSOLUTE BASE_DIR ${_source_dir})
    get_filename_component(_dir ${_path} DIRECTORY)
    file(GLOB _headers ${_dir}/*.hpp)
    list(APPEND _files ${_path} ${_headers})
  endforeach()
  list(REMOVE_DUPLICATES _files)
  set(_used "")
  foreach(_file IN LISTS _files)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_file})
    file(STRINGS ${_file} _includes REGEX "^#include \"")
    foreach(_line IN LISTS _includes)
      if(_line MATCHES "^#include \"([^\"]*/)?([a-z_]+)/[^/\"]+\"")
        if(CMAKE_MATCH_2 IN_LIST DRAFTSMITH_MODULES)
          list(APPEND _used ${CMAKE_MATCH_2})
        endif()
      endif()
    endforeach()
  endforeach()
  list(REMOVE_DUPLICATES _used)
  foreach(_module IN LISTS _used)
    target_link_libraries(${target} PRIVATE draftsmith_${_module})
  endforeach()
endfunction()
