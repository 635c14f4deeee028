#pragma once
// Student's t distribution, for the minimum detectable effect of a
// comparison over seeds (docs/metrics.md): Boost.Math's students_t behind
// spbench's own checks of the arguments.

namespace spbench::statistics {

// P(T <= t) for T ~ t(df), df > 0.
double student_t_cdf(double t, double df);

// The p-quantile of t(df), 0 < p < 1, df > 0.
double student_t_quantile(double p, double df);

// The smallest true difference a two-sided t-test at level alpha detects
// with the given power: (t_{1-alpha/2, df} + t_{power, df}) * standard_error.
// For a paired comparison over n seeds standard_error = sd(differences)/sqrt(n)
// and df = n - 1. NaN for df <= 0 or a NaN standard error.
double minimum_detectable_effect(double standard_error, double df, double alpha = 0.05, double power = 0.8);

}  // namespace spbench::statistics
