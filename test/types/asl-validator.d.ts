declare module 'asl-validator' {
  interface AslValidationResult {
    readonly isValid: boolean;
    readonly errors: readonly { readonly message?: string }[];
    readonly errorsText: (separator?: string) => string;
  }
  function aslValidator(definition: unknown): AslValidationResult;
  export = aslValidator;
}
