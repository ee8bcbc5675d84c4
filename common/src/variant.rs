//! Typed variants: one enum per example is the single source of its variant names, their
//! one-line summaries and their parsing.
//!
//! An example's variants are the cases of a `match` in its lesson (`broken`, `ordered`,
//! `try-lock`, ...). Written as strings, the registry and the `match` are two lists that can drift
//! apart, and a `match` that ends in `_ =>` turns a renamed variant into a different run that
//! still reports "showed". Declared with [`variants!`](crate::variants!), the enum *is* the list: the registry reads
//! its [`Variants::ALL`], the run parses its config with [`crate::RunConfig::variant_of`], and the
//! lesson's `match` over the enum is exhaustive, so a missing case is a compile error and an
//! unknown name a usage error.
//!
//! ```
//! common::variants! {
//!     /// How the two threads take their locks.
//!     pub enum Order {
//!         /// A then B on one thread, B then A on the other.
//!         Opposite = "broken": "opposite orders: the deadlock",
//!         /// A then B on both.
//!         Same = "ordered": "one order for everyone",
//!     }
//! }
//! use common::Variants;
//! assert_eq!(Order::parse("ordered"), Some(Order::Same));
//! assert_eq!(Order::Opposite.name(), "broken");
//! assert_eq!(Order::ALL[1].summary, "one order for everyone");
//! assert_eq!(Order::parse("try-lock"), None);
//! ```

/// A variant of an example: `broken`, `ordered`, `try-lock`, ...
#[derive(Debug)]
pub struct Variant {
    /// The name given to `--variant`.
    pub name: &'static str,
    /// One line on what this variant does.
    pub summary: &'static str,
}

/// An enum whose cases are an example's variants, declared with [`variants!`](crate::variants!).
pub trait Variants: Sized + Copy + 'static {
    /// Every variant's name and summary, in tour order (the broken one first, then the fixes):
    /// what the registry lists and the CLI validates `--variant` against.
    const ALL: &'static [Variant];
    /// The cases, in the same order as [`Variants::ALL`].
    const CASES: &'static [Self];

    /// The name given to `--variant`.
    fn name(self) -> &'static str;

    /// The case named `name`, if there is one.
    fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .position(|variant| variant.name == name)
            .map(|at| Self::CASES[at])
    }

    /// The variant names, comma-separated (for error messages).
    fn names() -> String {
        Self::ALL
            .iter()
            .map(|variant| variant.name)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Declares an example's variants as an enum: each case is `Case = "name": "summary"`, with its
/// doc comment. Generates the enum (`Debug, Clone, Copy, PartialEq, Eq`), its [`Variants`]
/// implementation, and an inherent `ALL` so a registry can write `variants: Order::ALL` without
/// importing the trait. See the [module documentation](crate::variant) for an example.
#[macro_export]
macro_rules! variants {
    (
        $(#[$meta:meta])*
        $vis:vis enum $enum:ident {
            $(
                $(#[$case_meta:meta])*
                $case:ident = $name:literal : $summary:literal
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        $vis enum $enum {
            $( $(#[$case_meta])* $case, )+
        }

        impl $enum {
            /// Every variant's name and summary, in tour order (the registry's list).
            pub const ALL: &'static [$crate::Variant] =
                <Self as $crate::variant::Variants>::ALL;
        }

        impl $crate::variant::Variants for $enum {
            const ALL: &'static [$crate::Variant] = &[
                $( $crate::Variant { name: $name, summary: $summary }, )+
            ];
            const CASES: &'static [Self] = &[ $( Self::$case, )+ ];

            fn name(self) -> &'static str {
                match self {
                    $( Self::$case => $name, )+
                }
            }
        }

        impl ::std::fmt::Display for $enum {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($crate::variant::Variants::name(*self))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::variants! {
        /// A test enum.
        enum Demo {
            /// First.
            Broken = "broken": "the bug",
            /// Second.
            Fixed = "fixed": "the fix",
        }
    }

    #[test]
    fn the_enum_is_the_list_names_summaries_and_parsing() {
        assert_eq!(Demo::ALL.len(), 2);
        assert_eq!(Demo::ALL[0].name, "broken");
        assert_eq!(Demo::ALL[1].summary, "the fix");
        assert_eq!(Demo::parse("fixed"), Some(Demo::Fixed));
        assert_eq!(Demo::parse("Fixed"), None);
        assert_eq!(Demo::parse(""), None);
        assert_eq!(Demo::Broken.name(), "broken");
        assert_eq!(Demo::Fixed.to_string(), "fixed");
        assert_eq!(Demo::names(), "broken, fixed");
        for case in Demo::CASES {
            assert_eq!(Demo::parse(case.name()), Some(*case));
        }
    }
}
