// hopscope-cli entry point. Needs no display and no Qt.
#include "app/cli/cli.h"

#include <iostream>

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    std::vector<std::string> words(argv + 1, argv + argc);
    hs::cli::Io io{std::cout, std::cerr, std::cin};
    int code = hs::cli::run(words, io);
    std::cout.flush();
    return code;
}
