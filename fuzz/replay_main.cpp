// A main() for fuzz targets built without a fuzzing driver: runs LLVMFuzzerTestOneInput once per
// file argument (every file of a directory argument, in name order), or once on stdin when there
// are none. This serves AFL++'s classic (afl-g++) instrumentation, which forks at main(), and
// replaying saved inputs with a plain build: the CTest replay of the committed corpora.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void run(std::istream& in) {
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
  std::vector<std::uint8_t> input(bytes.begin(), bytes.end());
  LLVMFuzzerTestOneInput(input.data(), input.size());
}

bool run_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return false;
  }
  // Named before it runs, so that an input that aborts is the last one printed.
  std::fprintf(stderr, "%s\n", path.c_str());
  run(file);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    run(std::cin);
    return 0;
  }
  std::size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path argument(argv[i]);
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(argument)) {
      for (const auto& entry : std::filesystem::directory_iterator(argument)) {
        if (entry.is_regular_file())
          files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
    } else {
      files.push_back(argument);
    }
    for (const auto& file : files) {
      if (!run_file(file))
        return 1;
      ++count;
    }
  }
  std::fprintf(stderr, "%zu inputs ran\n", count);
  return 0;
}
