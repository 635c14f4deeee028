#pragma once
// Holm's step-down correction for multiple tests (docs/metrics.md): the
// family-wise error rate stays at alpha whatever the dependence between the
// tests, which matters here because every row is compared with the same
// baseline (the tests are positively dependent).

#include <vector>

namespace spbench::statistics {

// Adjusted p-values, aligned with `p`: sort the m defined p-values
// ascending, p_(j) becomes max over i <= j of min(1, (m - i + 1) p_(i)).
// NaN entries (no test) stay NaN and do not count in m. Reject at level
// alpha where the adjusted value is < alpha.
std::vector<double> holm_adjust(const std::vector<double>& p);

}  // namespace spbench::statistics
