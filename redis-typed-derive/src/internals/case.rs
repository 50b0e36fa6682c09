//! `rename_all` rules: how Rust field and variant names become the names
//! stored in Redis.

use std::fmt;

use self::RenameRule::*;

/// A `#[redis(rename_all = "...")]` rule.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum RenameRule {
    /// Names as written in Rust.
    None,
    /// `lowercase`
    LowerCase,
    /// `UPPERCASE`
    UpperCase,
    /// `PascalCase`
    PascalCase,
    /// `camelCase`
    CamelCase,
    /// `snake_case`
    SnakeCase,
    /// `SCREAMING_SNAKE_CASE`
    ScreamingSnakeCase,
    /// `kebab-case`
    KebabCase,
    /// `SCREAMING-KEBAB-CASE`
    ScreamingKebabCase,
}

static RENAME_RULES: &[(&str, RenameRule)] = &[
    ("lowercase", LowerCase),
    ("UPPERCASE", UpperCase),
    ("PascalCase", PascalCase),
    ("camelCase", CamelCase),
    ("snake_case", SnakeCase),
    ("SCREAMING_SNAKE_CASE", ScreamingSnakeCase),
    ("kebab-case", KebabCase),
    ("SCREAMING-KEBAB-CASE", ScreamingKebabCase),
];

impl RenameRule {
    pub fn from_str(rule: &str) -> Result<Self, ParseError<'_>> {
        RENAME_RULES
            .iter()
            .find(|(name, _)| *name == rule)
            .map(|(_, rule)| *rule)
            .ok_or(ParseError { unknown: rule })
    }

    /// Applies the rule to a variant name, written in `PascalCase` in Rust.
    pub fn apply_to_variant(self, variant: &str) -> String {
        match self {
            None | PascalCase => variant.to_owned(),
            LowerCase => variant.to_ascii_lowercase(),
            UpperCase => variant.to_ascii_uppercase(),
            CamelCase => variant[..1].to_ascii_lowercase() + &variant[1..],
            SnakeCase => {
                let mut snake = String::new();
                for (i, ch) in variant.char_indices() {
                    if i > 0 && ch.is_uppercase() {
                        snake.push('_');
                    }
                    snake.push(ch.to_ascii_lowercase());
                }
                snake
            }
            ScreamingSnakeCase => SnakeCase.apply_to_variant(variant).to_ascii_uppercase(),
            KebabCase => SnakeCase.apply_to_variant(variant).replace('_', "-"),
            ScreamingKebabCase => ScreamingSnakeCase
                .apply_to_variant(variant)
                .replace('_', "-"),
        }
    }

    /// Applies the rule to a field name, written in `snake_case` in Rust.
    pub fn apply_to_field(self, field: &str) -> String {
        match self {
            None | LowerCase | SnakeCase => field.to_owned(),
            UpperCase | ScreamingSnakeCase => field.to_ascii_uppercase(),
            PascalCase => {
                let mut pascal = String::new();
                let mut capitalize = true;
                for ch in field.chars() {
                    if ch == '_' {
                        capitalize = true;
                    } else if capitalize {
                        pascal.push(ch.to_ascii_uppercase());
                        capitalize = false;
                    } else {
                        pascal.push(ch);
                    }
                }
                pascal
            }
            CamelCase => {
                let pascal = PascalCase.apply_to_field(field);
                match pascal.chars().next() {
                    Some(first) => first.to_ascii_lowercase().to_string() + &pascal[1..],
                    Option::None => pascal,
                }
            }
            KebabCase => field.replace('_', "-"),
            ScreamingKebabCase => ScreamingSnakeCase.apply_to_field(field).replace('_', "-"),
        }
    }
}

/// An unknown `rename_all` value.
pub struct ParseError<'a> {
    unknown: &'a str,
}

impl fmt::Display for ParseError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown rename rule `rename_all = {:?}`, expected one of ",
            self.unknown
        )?;
        for (i, (name, _)) in RENAME_RULES.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{name:?}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields() {
        let cases = [
            (
                "outcome", "outcome", "OUTCOME", "Outcome", "outcome", "OUTCOME", "outcome",
                "OUTCOME",
            ),
            (
                "very_tasty",
                "very_tasty",
                "VERY_TASTY",
                "VeryTasty",
                "veryTasty",
                "VERY_TASTY",
                "very-tasty",
                "VERY-TASTY",
            ),
            ("a", "a", "A", "A", "a", "A", "a", "A"),
            ("z42", "z42", "Z42", "Z42", "z42", "Z42", "z42", "Z42"),
        ];
        for (orig, lower, upper, pascal, camel, screaming, kebab, screaming_kebab) in cases {
            assert_eq!(None.apply_to_field(orig), orig);
            assert_eq!(LowerCase.apply_to_field(orig), lower);
            assert_eq!(UpperCase.apply_to_field(orig), upper);
            assert_eq!(PascalCase.apply_to_field(orig), pascal);
            assert_eq!(CamelCase.apply_to_field(orig), camel);
            assert_eq!(SnakeCase.apply_to_field(orig), orig);
            assert_eq!(ScreamingSnakeCase.apply_to_field(orig), screaming);
            assert_eq!(KebabCase.apply_to_field(orig), kebab);
            assert_eq!(ScreamingKebabCase.apply_to_field(orig), screaming_kebab);
        }
    }

    #[test]
    fn variants() {
        let cases = [
            (
                "Outcome", "outcome", "OUTCOME", "outcome", "outcome", "OUTCOME", "outcome",
                "OUTCOME",
            ),
            (
                "VeryTasty",
                "verytasty",
                "VERYTASTY",
                "veryTasty",
                "very_tasty",
                "VERY_TASTY",
                "very-tasty",
                "VERY-TASTY",
            ),
            ("A", "a", "A", "a", "a", "A", "a", "A"),
            ("Z42", "z42", "Z42", "z42", "z42", "Z42", "z42", "Z42"),
        ];
        for (orig, lower, upper, camel, snake, screaming, kebab, screaming_kebab) in cases {
            assert_eq!(None.apply_to_variant(orig), orig);
            assert_eq!(LowerCase.apply_to_variant(orig), lower);
            assert_eq!(UpperCase.apply_to_variant(orig), upper);
            assert_eq!(PascalCase.apply_to_variant(orig), orig);
            assert_eq!(CamelCase.apply_to_variant(orig), camel);
            assert_eq!(SnakeCase.apply_to_variant(orig), snake);
            assert_eq!(ScreamingSnakeCase.apply_to_variant(orig), screaming);
            assert_eq!(KebabCase.apply_to_variant(orig), kebab);
            assert_eq!(ScreamingKebabCase.apply_to_variant(orig), screaming_kebab);
        }
    }

    #[test]
    fn parse() {
        assert_eq!(RenameRule::from_str("camelCase").ok(), Some(CamelCase));
        let err = RenameRule::from_str("camel").err().unwrap().to_string();
        assert!(
            err.starts_with("unknown rename rule `rename_all = \"camel\"`"),
            "{err}"
        );
    }
}
