# The AWS service models of the forwarding endpoint (adapters/awsproxy),
# generated at build time from the npm package aws-sdk pinned in
# models/package-lock.json, as the action catalog is from iam-data. Included
# by CMakeLists.txt here; adds the generated source to audex_catalog.
#
# aws-sdk (v2) is the one npm package that ships every service model as JSON
# (apis/*.min.json: protocol, signing name, endpoint prefix, JSON target
# prefix and each operation's HTTP binding) together with the partition and
# global-endpoint rules (lib/region_config_data.json). It has reached end of
# support, so services launched after its last release are not routed
# (README, "Forwarding endpoint"); moving to another package of the same
# models is a change of this file and the generator only.
set(AUDEX_AWS_SDK_DIR "" CACHE PATH
    "An unpacked aws-sdk npm package to generate the service models from instead of running npm ci")

if(AUDEX_AWS_SDK_DIR)
  set(aws_sdk_dir ${AUDEX_AWS_SDK_DIR})
  set(aws_sdk_stamp ${AUDEX_AWS_SDK_DIR}/package.json)
else()
  find_program(NPM_PROGRAM npm)
  if(NOT NPM_PROGRAM)
    message(FATAL_ERROR "npm not found: the AWS service models are generated from an npm package. "
                        "Install nodejs and npm (scripts/setup does), or configure with "
                        "-DAUDEX_AWS_SDK_DIR=/path/to/an/unpacked/aws-sdk")
  endif()
  set(models_npm_dir ${CMAKE_CURRENT_BINARY_DIR}/models-npm)
  set(aws_sdk_dir ${models_npm_dir}/node_modules/aws-sdk)
  set(aws_sdk_stamp ${models_npm_dir}/npm-ci.stamp)
  add_custom_command(
    OUTPUT ${aws_sdk_stamp}
    COMMAND ${CMAKE_COMMAND} -DNPM=${NPM_PROGRAM} -DSOURCE_DIR=${CMAKE_CURRENT_SOURCE_DIR}/models
            -DWORK_DIR=${models_npm_dir} -DSTAMP=${aws_sdk_stamp} -DPROBE=aws-sdk/package.json
            "-DHINT=The AWS service models are generated from the npm package aws-sdk pinned in src/catalog/models/package-lock.json; without the npm registry or a warm npm cache, configure with -DAUDEX_AWS_SDK_DIR=/path/to/an/unpacked/aws-sdk of that exact version."
            -P ${CMAKE_CURRENT_SOURCE_DIR}/npm_ci.cmake
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/models/package.json
            ${CMAKE_CURRENT_SOURCE_DIR}/models/package-lock.json
            ${CMAKE_CURRENT_SOURCE_DIR}/npm_ci.cmake
    COMMENT "npm ci: the AWS service models pinned in src/catalog/models/package-lock.json"
    VERBATIM)
endif()

add_executable(audex_service_model_gen gen/service_model_gen.cc)
# gen/gen_io.h only
target_include_directories(audex_service_model_gen PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(audex_service_model_gen PRIVATE nlohmann_json::nlohmann_json audex_warnings)

set(service_model_data ${CMAKE_CURRENT_BINARY_DIR}/builtin_service_models.cc)
set(service_model_notice ${CMAKE_CURRENT_BINARY_DIR}/NOTICE-aws-sdk)
add_custom_command(
  OUTPUT ${service_model_data} ${service_model_notice}
  COMMAND audex_service_model_gen ${aws_sdk_dir} ${service_model_data} ${service_model_notice}
  DEPENDS audex_service_model_gen ${aws_sdk_stamp}
  COMMENT "Generating the AWS service model tables"
  VERBATIM)
target_sources(audex_catalog PRIVATE ${service_model_data})
install(FILES ${service_model_notice} DESTINATION ${CMAKE_INSTALL_DOCDIR})
