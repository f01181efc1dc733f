using System.Text;
using Trove.Bench;

namespace Trove.Bench.Tests;

public sealed class RequestWriterTests
{
    [Fact]
    public void A_get_names_the_key_with_its_number_zero_padded_to_the_widest_key()
    {
        var writer = new RequestWriter("bench:", keys: 100_000, valueSize: 4);
        var buffer = new byte[writer.MaxRequestLength];

        var length = writer.WriteGet(buffer, 42);

        Assert.Equal("get bench:00042\r\n", Encoding.ASCII.GetString(buffer, 0, length));
        Assert.Equal(writer.GetLength, length);
    }

    [Fact]
    public void A_set_carries_flags_0_no_expiry_and_a_value_of_the_configured_size()
    {
        var writer = new RequestWriter("k", keys: 10, valueSize: 4);
        var buffer = new byte[writer.MaxRequestLength];

        var length = writer.WriteSet(buffer, 7);

        Assert.Equal("set k7 0 0 4\r\nabcd\r\n", Encoding.ASCII.GetString(buffer, 0, length));
        Assert.Equal(writer.SetLength, length);
    }

    [Fact]
    public void Every_key_has_the_same_length()
    {
        var writer = new RequestWriter("p:", keys: 1000, valueSize: 0);
        var buffer = new byte[64];

        Assert.Equal(5, writer.WriteKey(buffer, 0));
        Assert.Equal("p:000", Encoding.ASCII.GetString(buffer, 0, 5));
        Assert.Equal(5, writer.WriteKey(buffer, 999));
        Assert.Equal("p:999", Encoding.ASCII.GetString(buffer, 0, 5));
    }

    [Fact]
    public void A_single_key_space_still_has_a_digit()
    {
        var writer = new RequestWriter("", keys: 1, valueSize: 1);
        var buffer = new byte[writer.MaxRequestLength];

        var length = writer.WriteGet(buffer, 0);

        Assert.Equal("get 0\r\n", Encoding.ASCII.GetString(buffer, 0, length));
    }

    [Fact]
    public void With_a_key_list_key_i_is_the_lists_ith_key()
    {
        var writer = new RequestWriter("ignored:", keys: 2, valueSize: 2, keyList: ["short", "a-longer-key"]);
        var buffer = new byte[writer.MaxRequestLength];

        Assert.Equal(12, writer.KeyLength);
        var length = writer.WriteGet(buffer, 0);
        Assert.Equal("get short\r\n", Encoding.ASCII.GetString(buffer, 0, length));
        length = writer.WriteSet(buffer, 1);
        Assert.Equal("set a-longer-key 0 0 2\r\nab\r\n", Encoding.ASCII.GetString(buffer, 0, length));
        Assert.Equal(writer.SetLength, length);
    }
}
