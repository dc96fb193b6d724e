# Every dependency comes from a Debian 12 package (scripts/setup.sh installs them); nothing is vendored.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(CURL REQUIRED)
find_package(ZLIB REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(SQLite3 REQUIRED)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
# The event-driven web server (common/web_server.cpp): Boost.Beast/Asio, header-only (libboost1.81-dev),
# with TLS through OpenSSL.
find_package(Boost 1.81 REQUIRED CONFIG)
find_package(OpenSSL REQUIRED)
# Time zones of Alertmanager's time intervals (alertd/notify/time_interval.cpp): Howard Hinnant's date library
# (libhowardhinnant-date-dev) reading the system's zoneinfo, as GCC 12's <chrono> has no time zone database.
find_package(date CONFIG REQUIRED)
# The programs' own metrics (common/metrics_registry.h): prometheus-cpp's core library (prometheus-cpp-dev),
# target prometheus-cpp::core; neither its civetweb exposer nor its push library is linked.
find_package(prometheus-cpp CONFIG REQUIRED)
if(TWIKIT_BUILD_TESTS)
  find_package(Catch2 2.13 REQUIRED)
  # cpp-httplib: only the tests' HTTP client (httplib::Client); the programs serve on common/web_server.
  pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
endif()
