use proc_macro::TokenStream;

/// Derives `fn greet() -> String` from the type's name, without syn or quote.
#[proc_macro_derive(Greet)]
pub fn derive_greet(input: TokenStream) -> TokenStream {
    let mut tokens = input.into_iter().map(|t| t.to_string());
    let name = tokens.by_ref().skip_while(|t| t != "struct").nth(1).expect("a struct");
    format!("impl {name} {{ pub fn greet() -> String {{ format!(\"hello, {{}}\", \"{name}\") }} }}")
        .parse()
        .unwrap()
}
