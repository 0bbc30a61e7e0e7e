import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Checks values against SSM allowedPattern regexes with java.util.regex. stdin: one "base64(pattern) TAB
 * base64(value)" per line; stdout: "find TAB matches" per line, each 1 or 0.
 */
public final class PatternCheck {
  public static void main(String[] args) throws Exception {
    Base64.Decoder decoder = Base64.getDecoder();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    StringBuilder out = new StringBuilder();
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] parts = line.split("\t", -1);
      Pattern pattern = Pattern.compile(new String(decoder.decode(parts[0]), StandardCharsets.UTF_8));
      String value = new String(decoder.decode(parts[1]), StandardCharsets.UTF_8);
      out.append(pattern.matcher(value).find() ? '1' : '0').append('\t');
      out.append(pattern.matcher(value).matches() ? '1' : '0').append('\n');
    }
    System.out.print(out);
  }
}
