//===- Npy.cpp - NumPy .npy reading and writing ---------------------------===//
#include "kiln/Runtime.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>

using namespace kiln;

namespace {
struct Descr {
  const char *text;
  DType dtype;
};
// Little-endian descriptors; '|' marks single-byte types.
constexpr Descr kDescrs[] = {
    {"<f4", DType::Float32}, {"<f8", DType::Float64}, {"<f2", DType::Float16},
    {"|b1", DType::Bool},    {"|i1", DType::Int8},    {"<i2", DType::Int16},
    {"<i4", DType::Int32},   {"<i8", DType::Int64},   {"|u1", DType::UInt8},
};

/// The value of `key` in the header dict, e.g. 'descr': '<f4'.
std::string headerValue(const std::string &header, const std::string &key,
                        const std::string &path) {
  size_t at = header.find("'" + key + "'");
  if (at == std::string::npos)
    throw Error("'" + path + "' is not a valid .npy file: no '" + key +
                "' in its header");
  at = header.find(':', at);
  size_t end = key == "shape" ? header.find(')', at) + 1 : header.find(',', at);
  std::string value = header.substr(at + 1, end - at - 1);
  size_t first = value.find_first_not_of(" '\"");
  size_t last = value.find_last_not_of(" '\"");
  return first == std::string::npos ? ""
                                    : value.substr(first, last - first + 1);
}
} // namespace

Tensor kiln::readNpy(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw Error("cannot open '" + path + "': no such file");
  char magic[8];
  if (!in.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0)
    throw Error("'" + path + "' is not a .npy file (bad magic)");
  uint32_t headerLength = 0;
  if (magic[6] == 1) {
    uint16_t length;
    in.read(reinterpret_cast<char *>(&length), 2);
    headerLength = length;
  } else {
    in.read(reinterpret_cast<char *>(&headerLength), 4);
  }
  // What the file holds after the preamble, so that lengths and shapes in a
  // corrupt header are refused before anything is allocated for them.
  std::streamoff here = in.tellg();
  in.seekg(0, std::ios::end);
  uint64_t remaining = in.tellg() - here;
  in.seekg(here);
  if (!in || headerLength > remaining)
    throw Error("'" + path + "' is truncated in its header");
  std::string header(headerLength, '\0');
  if (!in.read(header.data(), headerLength))
    throw Error("'" + path + "' is truncated in its header");
  remaining -= headerLength;
  std::string descr = headerValue(header, "descr", path);
  if (headerValue(header, "fortran_order", path) != "False")
    throw Error("'" + path + "' is in Fortran order; save it in C order");
  std::optional<DType> dtype;
  for (const Descr &d : kDescrs)
    if (descr == d.text)
      dtype = d.dtype;
  if (!dtype)
    throw Error("'" + path + "' has unsupported dtype '" + descr + "'");
  std::string shapeText = headerValue(header, "shape", path);
  std::vector<int64_t> shape;
  std::stringstream ss(shapeText.substr(shapeText.find('(') + 1));
  std::string item;
  uint64_t bytes = dtypeSize(*dtype);
  while (std::getline(ss, item, ',')) {
    size_t first = item.find_first_not_of(" )");
    if (first == std::string::npos)
      continue;
    size_t last = item.find_last_not_of(" )");
    std::string digits = item.substr(first, last - first + 1);
    // At most 18 digits: every such size fits in an int64_t.
    if (digits.size() > 18 ||
        digits.find_first_not_of("0123456789") != std::string::npos)
      throw Error("'" + path + "' is not a valid .npy file: bad shape '" +
                  shapeText + "'");
    shape.push_back(std::stoll(digits));
    if (shape.back() && bytes > UINT64_MAX / shape.back())
      bytes = UINT64_MAX;
    else
      bytes *= shape.back();
  }
  if (bytes > remaining)
    throw Error("'" + path + "' is truncated: its shape " + formatShape(shape) +
                " needs " + std::to_string(bytes) +
                " bytes of data, it holds " + std::to_string(remaining));
  Tensor tensor(*dtype, shape);
  if (!in.read(reinterpret_cast<char *>(tensor.data.data()),
               tensor.data.size()))
    throw Error("'" + path + "' is truncated: expected " +
                std::to_string(tensor.data.size()) + " bytes of data");
  return tensor;
}

void kiln::writeNpy(const std::string &path, const Tensor &tensor) {
  const char *descr = nullptr;
  for (const Descr &d : kDescrs)
    if (d.dtype == tensor.dtype)
      descr = d.text;
  std::ostringstream header;
  header << "{'descr': '" << descr << "', 'fortran_order': False, 'shape': (";
  for (int64_t d : tensor.shape)
    header << d << (tensor.shape.size() == 1 ? "," : ", ");
  header << "), }";
  std::string text = header.str();
  // Pad so that the data starts on a 64-byte boundary.
  size_t total = 10 + text.size() + 1;
  text.append((64 - total % 64) % 64, ' ');
  text.push_back('\n');
  std::ofstream out(path, std::ios::binary);
  if (!out)
    throw Error("cannot write '" + path + "'");
  uint16_t length = text.size();
  out.write("\x93NUMPY\x01\x00", 8);
  out.write(reinterpret_cast<const char *>(&length), 2);
  out.write(text.data(), text.size());
  out.write(reinterpret_cast<const char *>(tensor.data.data()),
            tensor.data.size());
}
