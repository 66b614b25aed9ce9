#include "cli/application.hpp"

int main(int argc, char** argv) { return acedt::host::cli::run_main(argc, argv); }
