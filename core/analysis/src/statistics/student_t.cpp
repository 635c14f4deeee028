#include "spbench/analysis/statistics/student_t.hpp"

// Boost.Math (header-only, in libboost-dev which the build needs anyway)
// instead of a hand-written incomplete beta function: the same numbers to
// ~1e-15, from a library that is tested against reference values.
#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace spbench::statistics {

double student_t_cdf(double t, double df) {
  if (!(df > 0)) throw std::invalid_argument("student_t_cdf: df must be > 0");
  if (std::isnan(t)) return t;
  if (std::isinf(t)) return t > 0 ? 1 : 0;
  return boost::math::cdf(boost::math::students_t_distribution<double>(df), t);
}

double student_t_quantile(double p, double df) {
  if (!(p > 0 && p < 1)) throw std::invalid_argument("student_t_quantile: p must be in (0, 1)");
  if (!(df > 0)) throw std::invalid_argument("student_t_quantile: df must be > 0");
  return boost::math::quantile(boost::math::students_t_distribution<double>(df), p);
}

double minimum_detectable_effect(double standard_error, double df, double alpha, double power) {
  if (!(df > 0) || std::isnan(standard_error)) return std::numeric_limits<double>::quiet_NaN();
  return (student_t_quantile(1 - alpha / 2, df) + student_t_quantile(power, df)) * standard_error;
}

}  // namespace spbench::statistics
