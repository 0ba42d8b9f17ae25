#include "draftsmith/cli/cli.hpp"

int main(int argc, char** argv)
{
    return draftsmith::cli::run(argc, argv);
}
