# ace_dt_add_plugin: defines an ace-dt command plugin.
#
# Used by the ace-dt build itself and installed with the plugin SDK, where
# AceDtPluginConfig.cmake includes it after defining AceDt::plugin_api.
#
#   ace_dt_add_plugin(<target> [NO_INSTALL] [OUTPUT_DIRECTORY <dir>] <source>...)
#
# Creates a MODULE library named <target>.so (no "lib" prefix) that links
# AceDt::plugin_api, exports only its entry symbol (every other symbol is
# hidden) and fails to link when a symbol is left undefined, so a missing
# function shows up at build time and not as a load error in ace-dt.
#
# Unless NO_INSTALL is given, `cmake --install` puts the module in
# ${ACE_DT_PLUGIN_INSTALL_DIR} below the install prefix: lib/ace-dt/plugins,
# the directory an ace-dt installed under the same prefix searches.
# OUTPUT_DIRECTORY sets where the build writes the module; without it the
# ace-dt build uses its own plugin directory, and other projects the usual
# CMake output directory.

if(NOT DEFINED ACE_DT_PLUGIN_INSTALL_DIR)
    set(ACE_DT_PLUGIN_INSTALL_DIR "lib/ace-dt/plugins")
endif()

function(ace_dt_add_plugin target)
    cmake_parse_arguments(PARSE_ARGV 1 arg "NO_INSTALL" "OUTPUT_DIRECTORY" "")
    if(NOT arg_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "ace_dt_add_plugin(${target}): no source files given")
    endif()
    if(NOT arg_OUTPUT_DIRECTORY AND DEFINED ACE_DT_PLUGIN_OUTPUT_DIR)
        set(arg_OUTPUT_DIRECTORY "${ACE_DT_PLUGIN_OUTPUT_DIR}")
    endif()

    add_library(${target} MODULE ${arg_UNPARSED_ARGUMENTS})
    set_target_properties(${target} PROPERTIES
        PREFIX ""
        SUFFIX ".so"
        C_VISIBILITY_PRESET hidden
        CXX_VISIBILITY_PRESET hidden
        VISIBILITY_INLINES_HIDDEN ON)
    if(arg_OUTPUT_DIRECTORY)
        set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${arg_OUTPUT_DIRECTORY}")
    endif()
    target_link_libraries(${target} PRIVATE AceDt::plugin_api)
    target_link_options(${target} PRIVATE LINKER:--no-undefined)

    if(NOT arg_NO_INSTALL)
        install(TARGETS ${target} LIBRARY DESTINATION "${ACE_DT_PLUGIN_INSTALL_DIR}")
    endif()
endfunction()
