//! `declare_params!`: a demo's parameters, declared once each.

/// Declares a demo's parameters once each: from
///
/// ```ignore
/// declare_params! {
///     /// Validated parameters.
///     #[derive(Clone, Copy, Debug, PartialEq, Eq)]
///     pub struct Params {
///         /// How many jobs.
///         pub jobs: u32 = int("jobs", "Jobs", 1..=50, "2"),
///         /// How long each takes.
///         pub duration: Duration = ms("duration_ms", "Duration of each job (ms)", 1..=60_000, "3000"),
///     }
///     // Optional: rules across fields, a `&[CrossRule]`.
///     rules = RULES_OF_THE_DEMO;
///     // Optional: whether a run draws random numbers (else `Never`).
///     random = Randomness::Always;
/// }
/// ```
///
/// it makes the struct with its typed fields, `SPECS` (the specs in field
/// order, for the page's form and the command line), `RULES` and `RANDOM`
/// (as given, or none and `Never`), `Params::from_pairs` (validates
/// `name=value` pairs with [`parse`], then the rules, then reads each
/// field), `Params::to_pairs` (the fields back as text), and tests that the
/// defaults parse and read back as the declared text and that every
/// choice reads and writes back. A field's type must match its
/// parameter's (`ms` gives a `Duration`, `choice` the enum named in the
/// field), or it does not compile.
macro_rules! declare_params {
    (@or [$default:expr]) => { $default };
    (@or [$default:expr] [$given:expr]) => { $given };
    (
        $(#[$attr:meta])*
        pub struct $name:ident {
            $(
                $(#[$field_attr:meta])*
                pub $field:ident: $ty:ty = $param:expr
            ),* $(,)?
        }
        $(rules = $rules:expr;)?
        $(random = $random:expr;)?
    ) => {
        $(#[$attr])*
        pub struct $name {
            $( $(#[$field_attr])* pub $field: $ty, )*
        }

        /// The parameters, in form order.
        pub const SPECS: &[$crate::params::ParamSpec] = &[
            $( {
                let param: $crate::params::Param<$ty> = $param;
                param.spec
            } ),*
        ];

        /// The rules across fields, each naming the fields it concerns.
        pub const RULES: &[$crate::params::CrossRule] = declare_params!(@or [&[]] $([$rules])?);

        /// Whether a run draws random numbers (so whether its seed matters).
        pub const RANDOM: $crate::params::Randomness =
            declare_params!(@or [$crate::params::Randomness::Never] $([$random])?);

        impl $name {
            /// Validates `name=value` pairs; missing names take their
            /// defaults. Every unknown name, repeated name and bad value is
            /// reported, each naming what is allowed; then every broken
            /// rule across fields.
            pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, Vec<$crate::params::ParamError>> {
                let values = $crate::params::parse(SPECS, pairs)?;
                let broken = $crate::params::broken_rules(SPECS, RULES, &values);
                if !broken.is_empty() {
                    return Err(broken);
                }
                let mut values = values.iter();
                let params = Self {
                    $( $field: {
                        let param: $crate::params::Param<$ty> = $param;
                        param.read(values.next())?
                    }, )*
                };
                Ok(params)
            }

            /// The parameters as `name=value` pairs, in form order.
            pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
                vec![ $( {
                    let param: $crate::params::Param<$ty> = $param;
                    (param.spec.name, param.write(&self.$field))
                } ),* ]
            }
        }

        #[cfg(test)]
        mod declared_params {
            use super::*;

            #[test]
            fn every_default_parses_and_reads_back_as_declared() {
                for spec in SPECS {
                    assert!(spec.check(spec.default).is_ok(), "the default of {}", spec.name);
                }
                let defaults = $name::from_pairs(&[]).expect("the defaults are allowed");
                let declared: Vec<(&str, String)> = SPECS.iter().map(|s| (s.name, s.default.to_string())).collect();
                assert_eq!(defaults.to_pairs(), declared);
                let given: Vec<(String, String)> = declared.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
                assert_eq!($name::from_pairs(&given), Ok(defaults));
            }

            #[test]
            fn every_rule_and_condition_names_a_parameter() {
                let known = |name: &str| SPECS.iter().any(|s| s.name == name);
                for rule in RULES {
                    assert!(!rule.fields.is_empty());
                    for name in rule.fields {
                        assert!(known(name), "a rule names {name}");
                    }
                }
                for spec in SPECS {
                    if let Some(when) = spec.when {
                        assert!(known(when.name), "{} depends on {}", spec.name, when.name);
                    }
                }
                if let $crate::params::Randomness::When(when) = RANDOM {
                    assert!(known(when.name), "randomness depends on {}", when.name);
                }
            }

            #[test]
            fn every_choice_reads_and_writes_back() {
                for spec in SPECS {
                    let $crate::params::ParamKind::Choice(names) = spec.kind else {
                        continue;
                    };
                    for choice in names {
                        let params = $name::from_pairs(&[(spec.name.to_string(), choice.to_string())])
                            .unwrap_or_else(|e| panic!("{}={choice}: {e:?}", spec.name));
                        let written = params.to_pairs().into_iter().find(|(k, _)| *k == spec.name);
                        assert_eq!(written, Some((spec.name, choice.to_string())));
                    }
                }
            }
        }
    };
}
pub(crate) use declare_params;
