package socialake.serve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.spec.InvalidKeySpecException;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.security.sasl.AuthenticationException;

import org.apache.hive.service.auth.PasswdAuthenticationProvider;

/**
 * HiveServer2 CUSTOM authentication for socialake serve
 * (hive.server2.custom.authentication.class=socialake.serve.PasswordAuthenticator): checks a user
 * and password against the users file named by the JVM system property socialake.serve.users,
 * one line per user, written by `socialake serve-user`:
 * {@code name:pbkdf2-sha256:<iterations>:<salt hex>:<hash hex>}. The file is read at each login,
 * so users added or removed take effect without a restart. Comparison is constant-time.
 */
public final class PasswordAuthenticator implements PasswdAuthenticationProvider {

  public static final String USERS_PROPERTY = "socialake.serve.users";
  private static final int DUMMY_ITERATIONS = 310_000;   // as socialake.serving.sql.PBKDF2_ITERATIONS

  @Override
  public void Authenticate(String user, String password) throws AuthenticationException {
    String file = System.getProperty(USERS_PROPERTY);
    if (file == null || user == null || password == null) {
      throw new AuthenticationException("wrong user or password");
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(Paths.get(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AuthenticationException("the users file cannot be read", e);
    }
    for (String line : lines) {
      String[] parts = line.trim().split(":");
      if (parts.length == 5 && parts[0].equals(user) && parts[1].equals("pbkdf2-sha256")) {
        if (matches(password, Integer.parseInt(parts[2]), HexFormat.of().parseHex(parts[3]),
            HexFormat.of().parseHex(parts[4]))) {
          return;
        }
        throw new AuthenticationException("wrong user or password");
      }
    }
    // an unknown user costs the same hashing as a known one: timing tells no user names
    matches(password, DUMMY_ITERATIONS, new byte[16], new byte[32]);
    throw new AuthenticationException("wrong user or password");
  }

  static boolean matches(String password, int iterations, byte[] salt, byte[] expected) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, expected.length * 8);
      byte[] actual = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
      return MessageDigest.isEqual(actual, expected);
    } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
      return false;
    }
  }
}
